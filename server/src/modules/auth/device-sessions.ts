/**
 * Settings of device sessions (a phone that stays signed in): their lifetime. Decorated on the root instance as
 * `app.deviceSessions` by the plugin below, which the field module registers with the configuration; the login
 * route reads it when a login names a device (the default lifetime when the plugin is not registered).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DEFAULT_DEVICE_SESSION_DAYS } from '../../config.ts';

export interface DeviceSessionSettings {
  /** lifetime of a device session in days */
  days: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    deviceSessions: DeviceSessionSettings;
  }
}

/** The settings in force for this application. */
export function deviceSessionSettings(app: FastifyInstance): DeviceSessionSettings {
  return app.hasDecorator('deviceSessions') ? app.deviceSessions : { days: DEFAULT_DEVICE_SESSION_DAYS };
}

async function deviceSessionsPlugin(app: FastifyInstance, opts: DeviceSessionSettings): Promise<void> {
  app.decorate('deviceSessions', { days: opts.days });
}

export default fp(deviceSessionsPlugin, { name: 'gc-device-sessions', dependencies: ['gc-auth'] });
