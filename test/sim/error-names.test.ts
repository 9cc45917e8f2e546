/**
 * Driver errors keep their real names in a minified bundle (the browser build minifies and renames
 * classes; learner code that checks `err.name === 'ResponseError'` must behave as it does in Node).
 */
import { describe, it, expect } from 'vitest';
import { build } from 'esbuild';
import path from 'node:path';

describe('driver error names survive minification', () => {
  it('every cassandra-driver and kafkajs error class has its literal name when minified', async () => {
    const entry = path.resolve(import.meta.dirname, '../../src/sim/index.ts');
    const out = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', write: false, platform: 'neutral' });
    const code = out.outputFiles[0]!.text;
    const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
    const { errors } = mod.drivers['cassandra-driver'];
    const names: Record<string, string> = {};
    for (const [key, Cls] of Object.entries(errors as Record<string, new (...a: any[]) => Error>)) {
      names[key] = key === 'NoHostAvailableError' ? new Cls({}).name : new Cls('x').name;
    }
    for (const key of Object.keys(names)) expect(names[key], key).toBe(key);
    const kafka = mod.drivers.kafkajs;
    expect(new kafka.KafkaJSConnectionError('x').name).toBe('KafkaJSConnectionError');
  });
});
