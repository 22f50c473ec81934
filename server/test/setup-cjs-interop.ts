// light-my-request (behind app.inject) require()s cookie@2, and @fastify/static require()s
// content-disposition@3; both are ESM-only. Node 20.19 loads them natively, but Jest's
// CommonJS loader cannot, so hand it the ESM modules instead.
import { jest } from '@jest/globals';

const cookieModule = await import('cookie');
jest.mock('cookie', () => cookieModule);
const contentDispositionModule = await import('content-disposition');
jest.mock('content-disposition', () => contentDispositionModule);
