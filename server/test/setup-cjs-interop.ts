// light-my-request (behind app.inject) require()s cookie@2, which is ESM-only. Node 20.19
// loads it natively, but Jest's CommonJS loader cannot, so hand it the ESM module instead.
import { jest } from '@jest/globals';

const cookieModule = await import('cookie');
jest.mock('cookie', () => cookieModule);
