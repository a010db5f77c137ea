/** Configuration by environment: defaults, and start-up failures that name the bad variable. */
import { describe, expect, it } from '@jest/globals';
import { loadOrderConfig, OrderConfigError } from '../../../apps/demo-order/src/config/order-config.js';
import { runOrderMainToFailure } from './support/order-process.js';

describe('demo-order configuration', () => {
  it('defaults to the embedded broker, PGlite, port 3000 and every consumer', () => {
    const config = loadOrderConfig({});
    expect(config).toMatchObject({ rocketmqNameServer: undefined, databaseUrl: undefined, httpPort: 3000, role: 'all', faultsEnabled: false });
    expect(config.consumers).toEqual(['inventory', 'points', 'notification', 'status']);
  });

  it('reads the services, role and consumer selection', () => {
    const config = loadOrderConfig({
      ROCKETMQ_NAMESRV: '10.0.0.1:9876;10.0.0.2:9876',
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/test',
      HTTP_PORT: '8080',
      ORDER_APP_ROLE: 'consumers',
      ORDER_CONSUMERS: 'points, notification',
      ORDER_FAULTS_ENABLED: 'yes',
    });
    expect(config).toMatchObject({ rocketmqNameServer: '10.0.0.1:9876;10.0.0.2:9876', databaseUrl: 'mysql://root@127.0.0.1:3306/test', httpPort: 8080, role: 'consumers', faultsEnabled: true });
    expect(config.consumers).toEqual(['points', 'notification']);
  });

  it('rejects bad values, naming every variable at fault', () => {
    const bad = {
      ROCKETMQ_NAMESRV: 'no-port',
      DATABASE_URL: 'redis://127.0.0.1',
      HTTP_PORT: '70000',
      ORDER_APP_ROLE: 'worker',
      ORDER_CONSUMERS: 'inventory,billing',
      ORDER_FAULTS_ENABLED: 'maybe',
    };
    let error: unknown;
    try {
      loadOrderConfig(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OrderConfigError);
    const problems = (error as OrderConfigError).problems.join('\n');
    for (const variable of Object.keys(bad)) expect(problems).toContain(variable);
  });

  it('makes the app exit with status 1 at start, saying which variable is wrong', async () => {
    const { code, output } = await runOrderMainToFailure({ DATABASE_URL: 'sqlite://orders.db', HTTP_PORT: 'eighty' });
    expect(code).toBe(1);
    expect(output).toContain('Invalid demo-order configuration');
    expect(output).toMatch(/DATABASE_URL: expected a postgres:\/\//);
    expect(output).toContain('HTTP_PORT');
  }, 30_000);
});
