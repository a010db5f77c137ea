/**
 * The acceptance run's load generator, in a worker thread so autocannon does not share the app's event loop
 * (the app runs in the acceptance script's main thread; its latency is what is measured).
 * workerData: { url, connections, rate, bodies }; posts { result, statuses } when done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

export interface OrderLoadInput {
  url: string;
  connections: number;
  rate: number;
  bodies: string[];
}

export interface OrderLoadOutput {
  result: autocannon.Result;
  statuses: [number, number][];
}

const input = workerData as OrderLoadInput;
let next = 0;
const statuses = new Map<number, number>();
const options = { url: input.url, connections: input.connections, overallRate: input.rate, amount: input.bodies.length, timeout: 30 };
// In a worker thread autocannon returns its raw histograms (it expects a parent to merge them): aggregate here.
const raw = await autocannon({
  ...options,
  requests: [
    {
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: input.bodies[next++ % input.bodies.length]! }),
      onResponse: (status) => void statuses.set(status, (statuses.get(status) ?? 0) + 1),
    },
  ],
});
const { aggregateResult } = autocannon as typeof autocannon & { aggregateResult(results: unknown[], opts: object): autocannon.Result };
const result = aggregateResult([raw], options);
const output: OrderLoadOutput = { result: JSON.parse(JSON.stringify(result)) as autocannon.Result, statuses: [...statuses] };
parentPort!.postMessage(output);
