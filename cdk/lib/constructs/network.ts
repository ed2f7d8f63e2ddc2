/**
 * A VPC with isolated subnets only: no NAT gateway, no internet gateway. Everything the tasks and
 * instances reach goes through VPC endpoints: gateway endpoints for S3 and DynamoDB (free) and
 * interface endpoints for SQS, ECR (api + dkr), CloudWatch Logs, and the three ECS endpoints that the
 * container agent on GPU instances needs. Fargate-only deployments skip the ECS agent endpoints.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface NetworkProps {
  readonly maxAzs: number;
  /** The EC2 container agent needs the ECS control-plane endpoints; Fargate does not. */
  readonly ecsAgentEndpoints: boolean;
  /** Flow logs go to the access-log bucket under `vpc-flow-logs/`. */
  readonly flowLogBucket: s3.IBucket;
}

/** Interface endpoints, by the name used in construct ids and docs/cost.md. */
export function interfaceEndpointServices(
  ecsAgent: boolean,
): Record<string, ec2.InterfaceVpcEndpointAwsService> {
  return {
    Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
    EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
    EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    ...(ecsAgent
      ? {
          Ecs: ec2.InterfaceVpcEndpointAwsService.ECS,
          EcsAgent: ec2.InterfaceVpcEndpointAwsService.ECS_AGENT,
          EcsTelemetry: ec2.InterfaceVpcEndpointAwsService.ECS_TELEMETRY,
        }
      : {}),
  };
}

export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly interfaceEndpoints: ec2.InterfaceVpcEndpoint[] = [];
  readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.42.0.0/16'),
      maxAzs: props.maxAzs,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
      flowLogs: {
        ToS3: {
          destination: ec2.FlowLogDestination.toS3(props.flowLogBucket, 'vpc-flow-logs/'),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
    for (const [name, service] of Object.entries(interfaceEndpointServices(props.ecsAgentEndpoints))) {
      // privateDnsEnabled: SDKs and the ECS agent keep their default public hostnames.
      // open: false — only the galspin security groups may reach an endpoint (allowFrom below).
      this.interfaceEndpoints.push(
        this.vpc.addInterfaceEndpoint(name, {
          service,
          subnets: this.subnets,
          privateDnsEnabled: true,
          open: false,
        }),
      );
    }
  }

  /** Lets these security groups reach every interface endpoint on 443. */
  allowEndpointsFrom(groups: ec2.ISecurityGroup[]): void {
    for (const endpoint of this.interfaceEndpoints) {
      for (const group of groups) endpoint.connections.allowDefaultPortFrom(group, 'galspin clients');
    }
  }
}
