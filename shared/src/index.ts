export * from './schemas/index.ts';
export * from './domain/index.ts';
// names both halves define (a schema and the domain's type of the same values): the schema wins here
export { CaseSource, TeamKind, TeamStatus } from './schemas/index.ts';
