// Two people can run the browser tests on one machine, each with a port and sandbox instance of their own.
export const e2ePort = Number(process.env.COURSE_E2E_PORT ?? 3100);
export const e2eInstance = process.env.COURSE_E2E_INSTANCE ?? 'e2e';
/** The course server the tests run against. */
export const e2eBase = `http://localhost:${e2ePort}`;
