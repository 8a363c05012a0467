export * from './units';
export * from './errors';
export * from './schemas';
export * from './events';
export * from './phone';
export * from './text';
export * from './retry';
export * from './sponsors';
