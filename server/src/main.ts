/** `threadline-relay`: runs the relay from the command line. */
import { ConfigError, readConfig, storageLabel, readLimits, readMetaConfig, readTrustProxy } from './config.ts';
import { defaultMounts } from './mounts.ts';
import { createRelay } from './relay.ts';
import { shutdownOnSignals } from './shutdown.ts';

try {
  const config = readConfig(process.argv.slice(2), process.env);
  const meta = readMetaConfig(process.env);
  const relay = await createRelay({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, maxBlobBytes: config.maxBlobBytes, limits: readLimits(process.env), trustProxy: readTrustProxy(process.env), mounts: defaultMounts(), ...(meta ? { meta } : {}) });
  const address = await relay.listen(config.port, config.host);
  console.log(`Threadline relay on http://${address.address}:${address.port} (data in ${storageLabel(config)})`);
  shutdownOnSignals(relay);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
