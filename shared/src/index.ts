export * from './schemas/index.ts';
export * from './domain/index.ts';
