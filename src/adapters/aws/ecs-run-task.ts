/**
 * Starts the train task on ECS (`galspin retrain --aws --ecs`): RunTask of the task definition the
 * CDK app deploys, with the labels key and options passed as container environment overrides.
 */
import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { parseEnv } from '../../config/index.ts';

const EcsEnv = z.object({
  GALSPIN_CLUSTER: z.string().min(1),
  GALSPIN_TRAIN_TASK_DEF: z.string().min(1),
  GALSPIN_SUBNETS: z.string().min(1),
  GALSPIN_SECURITY_GROUPS: z.string().optional(),
  GALSPIN_TRAIN_CONTAINER: z.string().default('train'),
  GALSPIN_CAPACITY_PROVIDER: z.string().optional(),
});

export async function startTrainTask(opts: {
  /** Labels CSV in the bucket; absent: the task labels from the index. */
  labelsKey?: string;
  reclassify: boolean;
  full: boolean;
}): Promise<string> {
  const env = parseEnv(EcsEnv);
  const ecs = new ECSClient({});
  const out = await ecs.send(
    new RunTaskCommand({
      cluster: env.GALSPIN_CLUSTER,
      taskDefinition: env.GALSPIN_TRAIN_TASK_DEF,
      count: 1,
      ...(env.GALSPIN_CAPACITY_PROVIDER
        ? { capacityProviderStrategy: [{ capacityProvider: env.GALSPIN_CAPACITY_PROVIDER, weight: 1 }] }
        : {}),
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: env.GALSPIN_SUBNETS.split(','),
          securityGroups: env.GALSPIN_SECURITY_GROUPS?.split(','),
        },
      },
      overrides: {
        containerOverrides: [
          {
            name: env.GALSPIN_TRAIN_CONTAINER,
            environment: [
              ...(opts.labelsKey ? [{ name: 'GALSPIN_LABELS_KEY', value: opts.labelsKey }] : []),
              { name: 'GALSPIN_RECLASSIFY', value: opts.reclassify ? '1' : '0' },
              { name: 'GALSPIN_TRAIN_FULL', value: opts.full ? '1' : '0' },
            ],
          },
        ],
      },
    }),
  );
  const arn = out.tasks?.[0]?.taskArn;
  if (!arn)
    throw new Error(
      `ECS RunTask started nothing: ${out.failures?.map((f) => `${f.arn}: ${f.reason}`).join('; ') || 'no reason given'}`,
    );
  return arn;
}
