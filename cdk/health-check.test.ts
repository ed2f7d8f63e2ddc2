/**
 * ECS container health checks: ECS ignores an image's HEALTHCHECK, so the infer-worker task
 * definition carries the same check (command, interval, timeout, start period, retries) as both
 * Dockerfiles, and the check itself tells a fresh heartbeat from a stale or missing one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';
import { DOCKERFILES, HEARTBEAT_CHECK, HEARTBEAT_FILE } from './lib/constructs/containers.ts';
import { REPO_ROOT } from './lib/paths.ts';

/** The HEALTHCHECK instruction of a Dockerfile: its options (seconds) and CMD array. */
function dockerHealthCheck(file: string): { options: Record<string, number>; command: string[] } {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8').replace(/\\\n/g, ' ');
  const m = /^HEALTHCHECK\s+((?:--[a-z-]+=\S+\s+)*)CMD\s+(\[.*\])\s*$/m.exec(text);
  if (!m) throw new Error(`${file}: no exec-form HEALTHCHECK`);
  const options = Object.fromEntries(
    [...m[1].matchAll(/--([a-z-]+)=(\d+)s?\b/g)].map(([, k, v]) => [k, Number(v)]),
  );
  return { options, command: JSON.parse(m[2]) };
}

function containers(json: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(
    resourcesOf(json, 'AWS::ECS::TaskDefinition').flatMap(([, td]) =>
      td.Properties.ContainerDefinitions.map((c: Json) => [c.Name, c]),
    ),
  );
}

const gpu = containers(synthGalspin().json);
const cpu = containers(synthGalspin({ cpuOnly: true, environment: 'cpu' }).json);

describe('ECS container health checks match the images’ heartbeat HEALTHCHECK', () => {
  it.each(Object.values(DOCKERFILES))('%s declares exactly the check the task definition carries', (file) => {
    const docker = dockerHealthCheck(file);
    expect(docker.command).toEqual(HEARTBEAT_CHECK.command);
    expect(docker.options).toEqual({
      interval: HEARTBEAT_CHECK.intervalSeconds,
      timeout: HEARTBEAT_CHECK.timeoutSeconds,
      'start-period': HEARTBEAT_CHECK.startPeriodSeconds,
      retries: HEARTBEAT_CHECK.retries,
    });
  });

  it.each([
    ['GPU (EC2)', gpu],
    ['cpuOnly (Fargate)', cpu],
  ])('the %s infer-worker container runs the heartbeat check', (_, c) => {
    expect(c['infer-worker'].HealthCheck).toEqual({
      Command: ['CMD', ...dockerHealthCheck(DOCKERFILES.gpu).command],
      Interval: 60,
      Timeout: 10,
      StartPeriod: 300,
      Retries: 3,
    });
    const env = Object.fromEntries(c['infer-worker'].Environment.map((e: Json) => [e.Name, e.Value]));
    expect(env.GALSPIN_HEARTBEAT_FILE).toBe(HEARTBEAT_FILE);
  });

  it('gives the train task no check: its entry never touches the heartbeat', () => {
    expect(gpu.train.HealthCheck).toBeUndefined();
    expect(cpu.train.HealthCheck).toBeUndefined();
    // Each task is its entry plus the composition root that builds its dependencies.
    const task = (entry: string, root: string) =>
      readFileSync(join(REPO_ROOT, entry), 'utf8') + readFileSync(join(REPO_ROOT, root), 'utf8');
    expect(task('gpu-tasks/train.ts', 'src/app/train-from-env.ts')).not.toMatch(/HEARTBEAT/);
    expect(task('gpu-tasks/infer-worker.ts', 'src/app/worker-from-env.ts')).toMatch(/GALSPIN_HEARTBEAT_FILE/);
  });

  it('the check passes on a fresh heartbeat and fails on a stale (5 min) or missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-hb-'));
    const file = join(dir, 'heartbeat');
    const check = (): number => {
      const [cmd, ...args] = HEARTBEAT_CHECK.command;
      try {
        execFileSync(cmd, args, { env: { ...process.env, GALSPIN_HEARTBEAT_FILE: file }, stdio: 'ignore' });
        return 0;
      } catch (err) {
        return (err as { status: number }).status;
      }
    };
    try {
      expect(check()).toBe(1);
      writeFileSync(file, '');
      expect(check()).toBe(0);
      const stale = new Date(Date.now() - 301_000);
      utimesSync(file, stale, stale);
      expect(check()).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
