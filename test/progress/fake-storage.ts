/** An in-memory Storage for the progress store's tests, with switchable failure modes (blocked, a quota). */
export class FakeStorage {
  map = new Map<string, string>();
  quotaBytes = Infinity;
  blocked = false;
  getItem(k: string) {
    if (this.blocked) throw Object.assign(new Error('denied'), { name: 'SecurityError' });
    return this.map.has(k) ? this.map.get(k)! : null;
  }
  setItem(k: string, v: string) {
    if (this.blocked) throw Object.assign(new Error('denied'), { name: 'SecurityError' });
    if (v.length > this.quotaBytes) {
      const e = new Error('quota'); (e as Error & { code: number }).code = 22; e.name = 'QuotaExceededError'; throw e;
    }
    this.map.set(k, v);
  }
  removeItem(k: string) { this.map.delete(k); }
}
