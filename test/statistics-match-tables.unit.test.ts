import assert from 'node:assert/strict';
import { it } from 'node:test';
import { logGamma, mean, studentTQuantileUpper, studentTUpperTail, variance, welch } from '../harness/gate/statistics.js';

const near = (actual: number, expected: number, tolerance: number): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

it('matches Student t table values (one-sided tails)', () => {
  // t(0.975) quantiles from the standard table.
  near(studentTUpperTail(12.706, 1), 0.025, 1e-4);
  near(studentTUpperTail(2.228, 10), 0.025, 1e-4);
  near(studentTUpperTail(1.96, 1e6), 0.025, 1e-4);
  near(studentTUpperTail(2.764, 10), 0.01, 1e-4);
  near(studentTUpperTail(0, 7), 0.5, 1e-12);
  near(studentTUpperTail(-2.228, 10), 0.975, 1e-4);
  near(studentTQuantileUpper(0.025, 10), 2.228, 1e-3);
  near(studentTQuantileUpper(0.05, 4), 2.132, 1e-3);
});

it('computes ln Γ exactly where it is known', () => {
  near(logGamma(1), 0, 1e-12);
  near(logGamma(5), Math.log(24), 1e-12);
  near(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12);
});

it('computes Welch t, df and p as scipy does', () => {
  const a = [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0];
  const b = [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3];
  near(mean(a), 19.37, 1e-9);
  near(variance([1, 2, 3, 4]), 5 / 3, 1e-12);
  const result = welch(a, b);
  // Reference: scipy.stats.ttest_ind(a, b, equal_var=False) gives t = -2.225512, df = 24.524635,
  // two-sided p = 0.0354845.
  const t = result.difference / result.standardError;
  near(t, -2.225512, 1e-6);
  near(result.degreesOfFreedom, 24.524635, 1e-6);
  near(2 * studentTUpperTail(Math.abs(t), result.degreesOfFreedom), 0.0354845, 1e-6);
});
