/** `threadline-relay`: runs the relay from the command line, logging JSON lines to stdout. */
import { ConfigError, readConfig, storageLabel, readLimits, readMetaConfig, readMetricsToken, readTrustProxy } from './config.ts';
import { createLogger } from './log.ts';
import { defaultMounts } from './mounts.ts';
import { createRelay } from './relay.ts';
import { shutdownOnSignals } from './shutdown.ts';

let log = createLogger();
try {
  const config = readConfig(process.argv.slice(2), process.env);
  log = createLogger(config.logLevel);
  const meta = readMetaConfig(process.env);
  const metricsToken = readMetricsToken(process.env);
  const relay = await createRelay({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, maxBlobBytes: config.maxBlobBytes, limits: readLimits(process.env), trustProxy: readTrustProxy(process.env), mounts: defaultMounts(), logger: log, metricsToken, ...(meta ? { meta } : {}) });
  const address = await relay.listen(config.port, config.host);
  log.info({ url: `http://${address.address}:${address.port}`, storage: storageLabel(config), metrics: metricsToken !== undefined }, 'relay listening');
  shutdownOnSignals(relay);
} catch (error) {
  if (error instanceof ConfigError) log.fatal({ code: 'config' }, error.message);
  else log.fatal({ err: error }, 'the relay could not start');
  process.exit(error instanceof ConfigError ? 2 : 1);
}
