/**
 * Query Lambda behind the HTTP API (IAM authorisation at the gateway). A thin shell: environment
 * validated once, clients created once, the request mapped to src/pipeline/query-http.ts.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { awsPorts } from '../src/app/aws-ports.ts';
import { serviceLogger } from '../src/app/service-logger.ts';
import { parseEnv, QueryEnv } from '../src/config/index.ts';
import { handleQueryRequest } from '../src/pipeline/query-http.ts';

const log = serviceLogger('galspin-query');
let ports: ReturnType<typeof awsPorts> | undefined;

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  ports ??= awsPorts(parseEnv(QueryEnv));
  const req = {
    method: event.requestContext?.http?.method ?? '',
    path: event.rawPath ?? '',
    query: event.queryStringParameters ?? {},
  };
  try {
    return await handleQueryRequest(ports, req);
  } catch (err) {
    log.error('query failed', { path: req.path, error: err as Error });
    return {
      statusCode: 500,
      headers: { 'content-type': 'application/json' },
      body: '{"error":"internal error"}',
    };
  }
};
