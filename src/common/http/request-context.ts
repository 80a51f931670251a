import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../auth/actor';

export interface RequestContext {
  requestId: string;
  ip?: string;
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  get(): RequestContext | undefined {
    return storage.getStore();
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
};
