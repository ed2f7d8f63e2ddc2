/**
 * Events shaped as Lambda delivers them: an SQS event-source batch built from messages really
 * received from a queue, and an API Gateway HTTP API payload 2.0 request (IAM-authorised route).
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, SQSEvent } from 'aws-lambda';

/** The event Lambda's SQS poller builds from a ReceiveMessage (AttributeNames All) result. */
export function sqsEvent(messages: Message[], queueArn: string, region: string): SQSEvent {
  return {
    Records: messages.map((m) => {
      const a = m.Attributes ?? {};
      return {
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: {
          ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
          SentTimestamp: a.SentTimestamp ?? '',
          SenderId: a.SenderId ?? '',
          ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '',
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
      };
    }),
  };
}

export interface HttpRequestSpec {
  method: string;
  /** The route as declared on the API, e.g. `/galaxies/{galaxyId}`. */
  route: string;
  /** The request path as sent (percent-encoded where the client encoded it). */
  rawPath: string;
  /** Decoded parameter values, as API Gateway passes them. */
  query?: Record<string, string>;
}

/** Path parameters of `rawPath` under `route` (`{name}` segments). */
function pathParameters(route: string, rawPath: string): Record<string, string> | undefined {
  const names = route.split('/');
  const values = rawPath.split('/');
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    const m = /^\{(.+)\}$/.exec(n);
    if (m && values[i] !== undefined) out[m[1]] = values[i];
  });
  return Object.keys(out).length ? out : undefined;
}

/** An HTTP API (payload format 2.0) request on the `$default` stage, signed by an IAM principal. */
export function httpApiEvent(
  spec: HttpRequestSpec,
  now = new Date(),
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const query = spec.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const routeKey = `${spec.method} ${spec.route}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: spec.rawPath,
    rawQueryString,
    headers: {
      accept: 'application/json',
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'galspin-test',
      'x-amz-date': now.toISOString().replace(/[-:]|\.\d{3}/g, ''),
    },
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(pathParameters(spec.route, spec.rawPath)
      ? { pathParameters: pathParameters(spec.route, spec.rawPath) }
      : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method: spec.method,
        path: spec.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'galspin-test',
      },
      requestId: `req-${now.getTime()}`,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: {
        iam: {
          accessKey: 'AKIAEXAMPLE',
          accountId: '123456789012',
          callerId: 'AIDAEXAMPLE',
          cognitoIdentity: null,
          principalOrgId: 'o-a1b2c3d4e5',
          userArn: 'arn:aws:iam::123456789012:user/galspin-test',
          userId: 'AIDAEXAMPLE',
        },
      },
    },
    isBase64Encoded: false,
  };
}
