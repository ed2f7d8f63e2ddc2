/**
 * What each galspin role may do, derived from the code its entry point runs: one row per grant,
 * naming the port call (src/adapters/aws/*) that needs it. The constructs grant from this table
 * (grants.ts `grantFromTable`) and the tests pin the synthesised policies to it
 * (cdk/least-privilege.test.ts) and the table to the code (cdk/role-actions.test.ts scans each
 * entry's import graph for `new XxxCommand(`).
 *
 * When an adapter gains an SDK command: add it to {@link COMMAND_ACTIONS}, then for every role
 * whose entry imports that adapter either add a grant row here (the code calls it) or list it in
 * that role's `unreached` (imported, never called on its path), with the reason.
 */
import { PREFIX, RESOURCES } from '../../src/config/index.ts';

/** The application roles: two Lambdas, two ECS task roles. */
export type AppRole = 'preprocess' | 'query' | 'inferWorker' | 'train';

/** The resource a grant row applies to (resolved to ARNs by grants.ts). */
export type Target =
  /** Objects under these bucket prefixes. */
  | { readonly objects: readonly string[] }
  /** The bucket itself, for ListBucket, limited by `s3:prefix` to these patterns. */
  | { readonly listPrefixes: readonly string[] }
  /** The results table (items by primary key). */
  | { readonly table: true }
  /** These GSIs of the results table. */
  | { readonly indexes: readonly string[] }
  | { readonly queue: 'ingest' | 'classify' };

export interface GrantRow {
  readonly actions: readonly string[];
  readonly on: Target;
  /** The code that needs it. */
  readonly why: string;
}

export interface RoleActions {
  /** The entry file whose import graph is this role's code (relative to the repository root). */
  readonly entry: string;
  readonly grants: readonly GrantRow[];
  /**
   * SDK commands in the entry's import graph that this role's code path never sends, with why.
   * Every other command found there must be covered by `grants` (checked by role-actions.test.ts).
   */
  readonly unreached: Readonly<Record<string, string>>;
}

/**
 * IAM actions authorising each SDK command the adapters send (Service Authorization Reference).
 * HeadObject is authorised by s3:GetObject; a lib-storage `Upload` is multipart above 5 MiB
 * (CreateMultipartUpload/UploadPart/CompleteMultipartUpload are s3:PutObject) and aborts on error.
 */
export const COMMAND_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // ListBucket: with it S3 answers a missing key with 404 instead of 403, which head() and the
  // BlobNotFoundError of get() rely on (S3 API reference, HeadObject/GetObject "Permissions").
  GetObjectCommand: ['s3:GetObject', 's3:ListBucket'],
  HeadObjectCommand: ['s3:GetObject', 's3:ListBucket'],
  PutObjectCommand: ['s3:PutObject'],
  ListObjectsV2Command: ['s3:ListBucket'],
  Upload: ['s3:PutObject', 's3:AbortMultipartUpload'],
  ReceiveMessageCommand: ['sqs:ReceiveMessage'],
  DeleteMessageBatchCommand: ['sqs:DeleteMessage'],
  ChangeMessageVisibilityCommand: ['sqs:ChangeMessageVisibility'],
  SendMessageBatchCommand: ['sqs:SendMessage'],
  GetQueueAttributesCommand: ['sqs:GetQueueAttributes'],
  GetQueueUrlCommand: ['sqs:GetQueueUrl'],
  GetCommand: ['dynamodb:GetItem'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  TransactWriteCommand: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ],
  RunTaskCommand: ['ecs:RunTask', 'iam:PassRole'],
};

/**
 * `s3:ListBucket` lets S3 answer 404 rather than 403 for a missing key (the BlobStore's `head`
 * contract, and `get` → BlobNotFoundError). S3 evaluates that check with the object key as
 * `s3:prefix` (mirrored by Ceph RGW, ceph/ceph#68577), so it is limited to the prefixes the role
 * reads; a ListObjectsV2 under one of them (`blobs.list`) is covered by the same statement.
 */
const list = (prefixes: readonly string[]): Target => ({ listPrefixes: prefixes.map((p) => `${p}*`) });

/** The champion pointer, the only object the query service reads. */
export const CHAMPION_POINTER = `${PREFIX.models}champion.json`;

export const ROLE_ACTIONS: Readonly<Record<AppRole, RoleActions>> = {
  preprocess: {
    entry: 'lambdas/preprocess.ts',
    grants: [
      {
        actions: ['s3:GetObject'],
        on: { objects: [PREFIX.incoming, PREFIX.maps] },
        why: 'ingest.ts: head + get of the upload and its dispersion sibling (incoming/); currentMap pointer and the paired stored map (maps/)',
      },
      {
        actions: ['s3:PutObject'],
        on: { objects: [PREFIX.maps] },
        why: 'ingest.ts: the versioned map data and the galaxy pointer (keys.mapData, keys.mapMeta); both far below the 5 MiB multipart threshold',
      },
      {
        actions: ['s3:ListBucket'],
        on: list([PREFIX.incoming, PREFIX.maps]),
        why: 'head() of possibly missing keys under the prefixes it reads',
      },
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        on: { table: true },
        why: 'DynamoResultIndex.getSource (GetCommand), putSourceStatus (conditional PutCommand)',
      },
      {
        actions: ['sqs:SendMessage'],
        on: { queue: 'classify' },
        why: 'SqsQueue.sendBatch of the classify message (SendMessageBatchCommand)',
      },
      {
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        on: { queue: 'ingest' },
        why: 'not the code: the Lambda event source mapping polls the ingest queue with the function role (AWSLambdaSQSQueueExecutionRole actions)',
      },
    ],
    unreached: {
      Upload: 'maps are ~100 kB, below MULTIPART_THRESHOLD (5 MiB): put() never goes multipart',
      ListObjectsV2Command: 'blobs.list is never called on the ingest path',
      QueryCommand: 'ingest reads rows by key only (getSource)',
      ReceiveMessageCommand: 'the event source mapping receives; the code never polls',
      DeleteMessageBatchCommand: 'partial batch responses: the event source mapping deletes',
      ChangeMessageVisibilityCommand: 'never called by ingest',
      GetQueueAttributesCommand: 'depth()/redrive are CLI-only',
      GetQueueUrlCommand: 'redrive is CLI-only',
    },
  },
  query: {
    entry: 'lambdas/query.ts',
    grants: [
      {
        actions: ['s3:GetObject'],
        on: { objects: [CHAMPION_POINTER] },
        why: 'query.ts: BlobModelRepository.champion() when no model version is given (head + get of models/champion.json)',
      },
      {
        actions: ['s3:ListBucket'],
        on: { listPrefixes: [CHAMPION_POINTER] },
        why: 'head() of the champion pointer answers 404 before the first promotion',
      },
      {
        actions: ['dynamodb:Query'],
        on: { table: true },
        why: 'DynamoResultIndex.getGalaxy: the results of one galaxy (PK = GALAXY#id)',
      },
      {
        actions: ['dynamodb:Query'],
        on: { indexes: [RESOURCES.byClassIndex, RESOURCES.byStatusIndex] },
        why: 'getGalaxy uploads and queryByClass (GSI1), queryResultsByStatus/querySourcesByStatus (GSI2)',
      },
    ],
    unreached: {
      PutObjectCommand: 'the query service writes nothing',
      Upload: 'the query service writes nothing',
      ListObjectsV2Command: 'the query service never lists objects',
      GetCommand: 'no lookups by key on the query path',
      PutCommand: 'the query service writes nothing',
      ReceiveMessageCommand: 'no queues: awsPorts builds them, the query never uses them',
      DeleteMessageBatchCommand: 'no queues: the query never uses them',
      ChangeMessageVisibilityCommand: 'no queues: the query never uses them',
      SendMessageBatchCommand: 'no queues: the query never uses them',
      GetQueueAttributesCommand: 'no queues: the query never uses them',
      GetQueueUrlCommand: 'no queues: the query never uses them',
    },
  },
  inferWorker: {
    entry: 'gpu-tasks/infer-worker.ts',
    grants: [
      {
        actions: ['s3:GetObject'],
        on: { objects: [PREFIX.maps, PREFIX.models] },
        why: 'classify.ts: the stored map named by the message (maps/); tf-classifier/model-repo: champion pointer, model.json, weights.bin, metrics.json (models/)',
      },
      {
        actions: ['s3:PutObject'],
        on: { objects: [PREFIX.attributions] },
        why: 'classify.ts: attribution .npy and .png per galaxy and model (~13 kB each)',
      },
      {
        actions: ['s3:ListBucket'],
        on: list([PREFIX.maps, PREFIX.models]),
        why: 'head()/get() of possibly missing maps and model files answer 404',
      },
      {
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
        on: { queue: 'classify' },
        why: 'worker.ts: SqsQueue.receive (ReceiveMessageCommand) and delete (DeleteMessageBatchCommand)',
      },
      {
        actions: ['dynamodb:PutItem'],
        on: { table: true },
        why: 'classify.ts: putResult and putSourceStatus (conditional PutCommand)',
      },
      {
        actions: ['dynamodb:GetItem'],
        on: { table: true },
        why: 'classify.ts alreadyDone: getResult, so a map version is classified once per model',
      },
    ],
    unreached: {
      Upload: 'attributions are ~13 kB, below MULTIPART_THRESHOLD',
      ListObjectsV2Command: 'the worker never lists (BlobModelStore.list is CLI/retrain only)',
      QueryCommand: 'no index queries on the classify path',
      ChangeMessageVisibilityCommand: 'a failed batch is left to its visibility timeout',
      SendMessageBatchCommand: 'the worker sends nothing',
      GetQueueAttributesCommand:
        'depth() only with GALSPIN_EXIT_WHEN_EMPTY=1 (local/bench mode), which the task definition never sets',
      GetQueueUrlCommand: 'depth() (DLQ lookup) only with GALSPIN_EXIT_WHEN_EMPTY=1',
    },
  },
  train: {
    entry: 'gpu-tasks/train.ts',
    grants: [
      {
        actions: ['s3:GetObject'],
        on: { objects: [PREFIX.maps, PREFIX.models, PREFIX.labels] },
        why: 'retrain.ts: map pointers and stored maps (maps/), champion and its model files (models/), the labels CSV named by GALSPIN_LABELS_KEY (labels/)',
      },
      {
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        on: { objects: [PREFIX.models] },
        why: 'model-repo saveFiles/promote: weights.bin (2.4 MB now; a larger network goes multipart, and a failed Upload aborts), model.json, metrics, card, champion.json',
      },
      {
        actions: ['s3:ListBucket'],
        on: list([PREFIX.maps, PREFIX.models, PREFIX.labels]),
        why: 'head() of missing keys, and enqueueAll lists maps/ (ListObjectsV2Command, s3:prefix = maps/)',
      },
      {
        actions: ['dynamodb:Query'],
        on: { indexes: [RESOURCES.byStatusIndex] },
        why: 'retrain.ts labelsFromIndex: queryResultsByStatus(CLASSIFIED) on GSI2',
      },
      {
        actions: ['sqs:SendMessage'],
        on: { queue: 'classify' },
        why: 'retrain.ts enqueueAll after a promotion (SendMessageBatchCommand)',
      },
    ],
    unreached: {
      GetCommand: 'retraining reads rows only through the status index',
      PutCommand: 'retraining writes no rows',
      ReceiveMessageCommand: 'the train task consumes no queue',
      DeleteMessageBatchCommand: 'the train task consumes no queue',
      ChangeMessageVisibilityCommand: 'the train task consumes no queue',
      GetQueueAttributesCommand: 'depth()/redrive are CLI-only',
      GetQueueUrlCommand: 'redrive is CLI-only',
    },
  },
};

/** Every action a role's table grants, sorted and unique. */
export function actionsOf(role: AppRole): string[] {
  return [...new Set(ROLE_ACTIONS[role].grants.flatMap((g) => g.actions))].sort();
}
