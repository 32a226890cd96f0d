/**
 * The slow tier, `test/*.slow.test.ts`: tests whose cost is what they check. A gate's power to
 * catch a planted regression needs dozens of measured rows, a packed tarball a whole build and
 * install, a three-node Cassandra three JVMs. npm test runs their files too, and they skip at once
 * saying where they run; `npm run test:slow` sets READSTATE_LAB_SLOW=1 and runs them, and .ci/run
 * runs both tiers. Give it as a suite's skip option: `describe(name, { skip: slowTier }, ...)`.
 */
export const slowTier: false | string = process.env.READSTATE_LAB_SLOW === '1' ? false : 'the slow tier: npm run test:slow runs it, and .ci/run does';
