import { describe, expect, it } from '@jest/globals';
import { pacedSeconds, steadyConnections } from './steady-rate.js';

describe('autocannon pacing', () => {
  it('reproduces the uneven split that made 10,000 orders at 200/s take 53 s on 32 connections', () => {
    expect(pacedSeconds(10_000, 200, 32)).toBe(53);
    expect(pacedSeconds(50_000, 10_000, 32)).toBe(6);
  });

  it('picks a connection count that paces at exactly the asked rate', () => {
    expect(steadyConnections(10_000, 200, 32)).toBe(40);
    expect(pacedSeconds(10_000, 200, 40)).toBe(50);
    expect(steadyConnections(50_000, 10_000, 32)).toBe(40);
    expect(pacedSeconds(50_000, 10_000, 40)).toBe(5);
  });

  it('keeps the wanted count when it is already even, and stays within the rate', () => {
    expect(steadyConnections(1_000, 100, 20)).toBe(20);
    expect(steadyConnections(30, 3, 32)).toBeLessThanOrEqual(3);
    expect(pacedSeconds(30, 3, steadyConnections(30, 3, 32))).toBe(10);
  });
});
