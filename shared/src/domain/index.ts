export * from './case-state.ts';
export * from './working-time.ts';
export * from './sla.ts';
export * from './lights.ts';
export * from './indicators.ts';
export * from './assessment.ts';
export * from './codes.ts';
