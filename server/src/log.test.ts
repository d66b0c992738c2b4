/** The relay's log: JSON lines at a level, and no secret in them (a real relay writing to a captured stream). */
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from './log.ts';
import { startTestRelay } from './test-relay.ts';

/** A logger whose lines the test reads. */
function captured(level: LogLevel = 'info') {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the relay’s log', () => {
  it('writes a failed request as one JSON line with its level, and not the row, token or query that came with it', async () => {
    const log = captured();
    const broken = Object.assign(new Error('the handler broke'), { code: 'E_BROKEN', detail: 'Failing row contains (SECRET-ROW, Y2lwaGVydGV4dA)' });
    const t = await startTestRelay({
      logger: log.logger,
      handlers: [
        async (_req, _res, url) => {
          if (url.pathname === '/broken') throw broken;
          return false;
        },
      ],
    });
    try {
      const response = await t.http('/broken?hub.verify_token=SECRET-QUERY', { headers: { authorization: 'Bearer SECRET-TOKEN', cookie: 'session=SECRET-COOKIE' } });
      expect(response.status).toBe(500);
      expect((await response.json()).error.code).toBe('internal');
    } finally {
      await t.stop();
    }
    const failed = log.records().filter((record) => record.msg === 'request failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 50, name: 'threadline-relay', method: 'GET', route: 'other', err: { type: 'Error', code: 'E_BROKEN', message: 'the handler broke' } });
    expect(typeof failed[0]!.time).toBe('number');
    expect(log.lines.join('')).not.toMatch(/SECRET|Y2lwaGVydGV4dA|broken\?/);
  });

  it('keeps the error’s cause, with the same fields only', () => {
    const log = captured();
    const cause = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED', detail: 'SECRET-DETAIL' });
    log.logger.error({ err: new Error('the bus could not publish', { cause }) }, 'a delivery failed');
    const [record] = log.records();
    expect(record).toMatchObject({ level: 50, msg: 'a delivery failed', err: { message: 'the bus could not publish', cause: { code: 'ECONNREFUSED', message: 'connection refused' } } });
    expect(log.lines.join('')).not.toContain('SECRET');
  });

  it('writes nothing below its level', () => {
    const log = captured('warn');
    log.logger.info('started');
    log.logger.debug('details');
    log.logger.warn('the bus lost its PostgreSQL connection; reconnecting');
    expect(log.records().map(({ level, msg }) => [level, msg])).toEqual([[40, 'the bus lost its PostgreSQL connection; reconnecting']]);
    const silent = captured('silent');
    silent.logger.fatal('nothing');
    expect(silent.lines).toEqual([]);
  });
});
