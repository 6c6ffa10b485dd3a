/**
 * Controller expectations: after asking for N creates or deletes, a controller waits until its
 * informer has seen them before acting on the same owner again, so a lagging cache never leads to
 * duplicate pods. Expectations older than the TTL are treated as met (upstream: 5 minutes).
 */
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  adds: number;
  dels: number;
  at: number;
}

export class Expectations {
  private map = new Map<string, Expectation>();

  expect(key: string, adds: number, dels: number): void {
    this.map.set(key, { adds, dels, at: Date.now() });
  }

  observedAdd(key: string): void {
    const e = this.map.get(key);
    if (e) e.adds--;
  }

  observedDelete(key: string): void {
    const e = this.map.get(key);
    if (e) e.dels--;
  }

  /** A create or delete call that failed will never be observed. */
  lower(key: string, adds: number, dels: number): void {
    const e = this.map.get(key);
    if (!e) return;
    e.adds -= adds;
    e.dels -= dels;
  }

  satisfied(key: string): boolean {
    const e = this.map.get(key);
    if (!e) return true;
    return (e.adds <= 0 && e.dels <= 0) || Date.now() - e.at > EXPECTATIONS_TTL_MS;
  }

  forget(key: string): void {
    this.map.delete(key);
  }
}
