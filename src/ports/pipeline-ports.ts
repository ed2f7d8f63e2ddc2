import type { BlobStore, ResultIndex, WorkQueue } from './storage.ts';

export interface PipelinePorts {
  mode: 'aws' | 'embedded';
  blobs: BlobStore;
  index: ResultIndex;
  ingestQueue: WorkQueue;
  classifyQueue: WorkQueue;
  /** Where results can be found, for people (a folder or an s3:// URL). */
  location: string;
  close(): void;
}
