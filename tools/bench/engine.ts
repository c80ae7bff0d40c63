/**
 * What the engine, memory, same-date and import measurements of `npm run bench` call (tools/bench/bench-case.js,
 * bench-data.js), in one entry point that tools/bench/built.js bundles like the deployed functions.
 */
export { addDays, daysBetween } from '@travel-time-tracker/core/dates';
export { evaluatePrepared, evaluateTravel, prepareEvaluation } from '@travel-time-tracker/core/evaluate';
export { evaluateDefinitions, trackedDefinitions } from '@travel-time-tracker/core/ruleResults';
export { loadReferenceData } from '@travel-time-tracker/core/referenceData';
export { MAX_TRAVEL_DATE } from '@travel-time-tracker/core/segment';
export { importFile } from '@travel-time-tracker/import';
export { rng } from './flights';
