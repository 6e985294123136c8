/** Response shapes for the API description of routes whose body is not JSON (files, streams, tiles). */
import { ErrorResponse } from '@gridcommand/shared/schemas';

/** A non-JSON success body: Fastify sends buffers and streams as they are; the description names their type. */
export function binaryResponse(description: string, ...mimes: string[]) {
  return { description, content: Object.fromEntries(mimes.map((m) => [m, { schema: { type: 'string', format: 'binary' } }])) };
}

export const ERROR_RESPONSES = { '4xx': ErrorResponse, '5xx': ErrorResponse };
