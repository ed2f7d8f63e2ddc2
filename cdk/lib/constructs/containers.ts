/**
 * The task image, built from gpu-tasks/Dockerfile (CUDA 11.2 + cuDNN 8, tfjs-node-gpu) or, with
 * `cpuOnly`, gpu-tasks/Dockerfile.cpu (tfjs-node). The build context is the repository root, trimmed
 * by /.dockerignore. Synth only stages and fingerprints the context: Docker runs at deploy time.
 * Both tasks share the image and differ by command.
 */
import { Aws, Duration, type RemovalPolicy, Size } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TIMEOUTS } from '../../../src/config/index.ts';
import { LOG_RETENTION } from '../lambda-defaults.ts';
import { REPO_ROOT } from '../paths.ts';

export const DOCKERFILES = { gpu: 'gpu-tasks/Dockerfile', cpu: 'gpu-tasks/Dockerfile.cpu' } as const;

/** Where the worker touches its heartbeat each poll; the image's HEALTHCHECK reads its age. */
export const HEARTBEAT_FILE = '/tmp/galspin-heartbeat';

/**
 * The images' HEALTHCHECK (gpu-tasks/Dockerfile and Dockerfile.cpu, pinned equal by
 * cdk/health-check.test.ts): healthy while GALSPIN_HEARTBEAT_FILE was touched within 5 minutes.
 * ECS ignores an image's HEALTHCHECK, so the infer-worker task definition repeats it; an unhealthy
 * essential container makes the service replace the task. The train task never touches the
 * heartbeat (a run task, not a polling loop), so it gets no check.
 */
export const HEARTBEAT_CHECK = {
  command: [
    'node',
    '-e',
    "const f=process.env.GALSPIN_HEARTBEAT_FILE;const s=require('fs').statSync(f,{throwIfNoEntry:false});process.exit(s&&Date.now()-s.mtimeMs<300000?0:1)",
  ],
  intervalSeconds: 60,
  timeoutSeconds: 10,
  startPeriodSeconds: 300,
  retries: 3,
} as const;

export interface TaskImageProps {
  readonly cpuOnly: boolean;
}

export class TaskImage extends Construct {
  readonly asset: ecrAssets.DockerImageAsset;
  readonly image: ecs.ContainerImage;

  constructor(scope: Construct, id: string, props: TaskImageProps) {
    super(scope, id);
    this.asset = new ecrAssets.DockerImageAsset(this, 'Asset', {
      directory: REPO_ROOT,
      file: props.cpuOnly ? DOCKERFILES.cpu : DOCKERFILES.gpu,
      platform: ecrAssets.Platform.LINUX_AMD64,
      // Belt and braces next to /.dockerignore: never fingerprint or stage these.
      exclude: ['node_modules', 'cdk.out', '.git', '.galspin', '.emu', 'coverage', 'runs', 'out'],
    });
    this.image = ecs.ContainerImage.fromDockerImageAsset(this.asset);
  }
}

export type TaskKind = 'infer-worker' | 'train';

export interface GalspinTaskProps {
  readonly kind: TaskKind;
  readonly environment: string;
  readonly image: ecs.ContainerImage;
  readonly cpuOnly: boolean;
  readonly env: Record<string, string>;
  readonly removalPolicy: RemovalPolicy;
}

/** Resources per task. GPU: one g4dn/g5.xlarge (4 vCPU, 16 GiB) holds exactly one task. */
export const TASK_SIZE = {
  gpu: { cpu: 2048, memoryReservationMiB: 8192, memoryLimitMiB: 14336 },
  fargate: {
    'infer-worker': { cpu: 4096, memoryLimitMiB: 8192 },
    train: { cpu: 4096, memoryLimitMiB: 16384 },
  },
} as const;

/** A task definition for one galspin task: GPU (EC2, awsvpc) or Fargate, JSON logs to its group. */
export class GalspinTask extends Construct {
  readonly taskDefinition: ecs.TaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GalspinTaskProps) {
    super(scope, id);
    const family = `galspin-${props.environment}-${props.kind}`;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      removalPolicy: props.removalPolicy,
    });
    this.taskDefinition = props.cpuOnly
      ? new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
          family,
          cpu: TASK_SIZE.fargate[props.kind].cpu,
          memoryLimitMiB: TASK_SIZE.fargate[props.kind].memoryLimitMiB,
          runtimePlatform: {
            operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
            cpuArchitecture: ecs.CpuArchitecture.X86_64,
          },
        })
      : new ecs.Ec2TaskDefinition(this, 'TaskDefinition', { family, networkMode: ecs.NetworkMode.AWS_VPC });
    this.container = this.taskDefinition.addContainer(props.kind, {
      image: props.image,
      // The image's compiled entry points (scripts/container/build-tasks.mjs), run by `node`.
      command: [`tasks/${props.kind}.mjs`],
      essential: true,
      // The image is immutable at run time; the heartbeat and scratch files live on a task-scoped /tmp.
      readonlyRootFilesystem: true,
      ...(props.cpuOnly
        ? {}
        : {
            gpuCount: 1,
            cpu: TASK_SIZE.gpu.cpu,
            memoryReservationMiB: TASK_SIZE.gpu.memoryReservationMiB,
            memoryLimitMiB: TASK_SIZE.gpu.memoryLimitMiB,
          }),
      ...(props.kind === 'infer-worker'
        ? {
            healthCheck: {
              command: ['CMD', ...HEARTBEAT_CHECK.command],
              interval: Duration.seconds(HEARTBEAT_CHECK.intervalSeconds),
              timeout: Duration.seconds(HEARTBEAT_CHECK.timeoutSeconds),
              startPeriod: Duration.seconds(HEARTBEAT_CHECK.startPeriodSeconds),
              retries: HEARTBEAT_CHECK.retries,
            },
          }
        : {}),
      // SIGTERM → finish the batch in hand → exit; SIGKILL only after this.
      stopTimeout: Duration.seconds(TIMEOUTS.workerStopTimeoutSeconds),
      environment: {
        GALSPIN_ENV: props.environment,
        AWS_REGION: Aws.REGION,
        // The CPU image has no libtensorflow: it serves on ONNX Runtime and trains on wasm.
        GALSPIN_BACKEND: props.cpuOnly ? 'wasm' : 'tensorflow-gpu',
        GALSPIN_HEARTBEAT_FILE: HEARTBEAT_FILE,
        ...props.env,
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: props.kind,
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
    });
    this.taskDefinition.addVolume({ name: 'tmp' });
    this.container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
  }
}
