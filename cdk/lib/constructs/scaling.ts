/**
 * Backlog-per-task scaling of the infer-worker on the classify queue. Backlog = visible + in-flight
 * messages. Scale-out sets the task count to ceil(backlog / backlogPerTask), capped at maxTasks,
 * as soon as there is work; scale-in to minTasks (usually zero) waits for an empty queue over
 * several minutes so that a short lull does not stop a GPU that is about to get work again.
 * Step scaling with exact capacities rather than target tracking, because a per-task ratio is
 * undefined at zero tasks and target tracking would never start the first one.
 */
import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface BacklogScalingProps {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly queue: sqs.IQueue;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly backlogPerTask: number;
  /** Minutes of an empty queue before scaling in to minTasks. */
  readonly idleMinutes?: number;
}

export interface BacklogStep {
  /** Inclusive lower bound of the backlog, in messages. */
  readonly fromMessages: number;
  /** Exclusive upper bound, or undefined for the last step. */
  readonly toMessages?: number;
  readonly tasks: number;
}

/** The scale-out bands: backlog in [(k-1)·B, k·B) → k tasks (first band starts at 1 message). */
export function backlogSteps(maxTasks: number, backlogPerTask: number): BacklogStep[] {
  const steps: BacklogStep[] = [];
  for (let k = 1; k <= maxTasks; k++) {
    steps.push({
      fromMessages: k === 1 ? 1 : (k - 1) * backlogPerTask,
      toMessages: k === maxTasks ? undefined : k * backlogPerTask,
      tasks: k,
    });
  }
  return steps;
}

export class BacklogScaling extends Construct {
  readonly target: appscaling.ScalableTarget;
  readonly backlog: cloudwatch.MathExpression;
  readonly scaleOutAlarm: cloudwatch.Alarm;
  readonly scaleInAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: BacklogScalingProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    this.backlog = new cloudwatch.MathExpression({
      expression: 'visible + inFlight',
      usingMetrics: {
        visible: props.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        inFlight: props.queue.metricApproximateNumberOfMessagesNotVisible({ period, statistic: 'Maximum' }),
      },
      label: 'classify backlog (messages)',
      period,
    });
    this.target = new appscaling.ScalableTarget(this, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });

    const scaleOut = new appscaling.StepScalingAction(this, 'ScaleOut', {
      scalingTarget: this.target,
      adjustmentType: appscaling.AdjustmentType.EXACT_CAPACITY,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
      cooldown: Duration.minutes(1),
    });
    // Step bounds are offsets from the alarm threshold (1 message).
    for (const step of backlogSteps(props.maxTasks, props.backlogPerTask)) {
      scaleOut.addAdjustment({
        lowerBound: step.fromMessages - 1,
        upperBound: step.toMessages === undefined ? undefined : step.toMessages - 1,
        adjustment: step.tasks,
      });
    }
    this.scaleOutAlarm = this.backlog.createAlarm(this, 'BacklogAlarm', {
      alarmDescription: 'classify queue has work: set worker tasks from backlog per task',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.scaleOutAlarm.addAlarmAction(new actions.ApplicationScalingAction(scaleOut));

    const scaleIn = new appscaling.StepScalingAction(this, 'ScaleIn', {
      scalingTarget: this.target,
      adjustmentType: appscaling.AdjustmentType.EXACT_CAPACITY,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
      cooldown: Duration.minutes(1),
    });
    scaleIn.addAdjustment({ upperBound: 0, adjustment: props.minTasks });
    const idle = props.idleMinutes ?? 10;
    this.scaleInAlarm = this.backlog.createAlarm(this, 'IdleAlarm', {
      alarmDescription: `classify queue empty for ${idle} min: scale workers to the minimum`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: idle,
      // SQS stops publishing for long-idle queues; no data means no work.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.scaleInAlarm.addAlarmAction(new actions.ApplicationScalingAction(scaleIn));
  }
}
