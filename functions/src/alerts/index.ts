/** Visa alerts (issue 5): policy, message, transport, sender, task fan-out and the run. */
export * from './time';
export * from './policy';
export * from './message';
export * from './transport';
export * from './sender';
export * from './queue';
export * from './run';
