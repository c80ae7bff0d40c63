/** `npm run bench` entry for the alert run (tools/bench/bench.js loads functions/lib/bench/alerts.js); see alerts/bench.ts. */
export { benchAlerts } from './alertsBench';
