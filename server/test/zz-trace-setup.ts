import pg from 'pg';
const origConnect = pg.Client.prototype.connect;
(pg.Client.prototype as any).connect = function (this: any, ...args: any[]) {
  this.__created = new Error('client created here').stack;
  return origConnect.apply(this, args as any);
};
const origEmit = pg.Client.prototype.emit;
(pg.Client.prototype as any).emit = function (this: any, ev: string, ...args: any[]) {
  if (ev === 'error' && this.listenerCount('error') === 0) {
    console.log('UNHANDLED CLIENT ERROR', this.connectionParameters?.application_name, (args[0] as Error)?.message, this.__created);
  }
  return origEmit.call(this, ev, ...args);
};
