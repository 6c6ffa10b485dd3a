// placeholder replaced by the API server work; exists so the CLI can be written against its signature
export interface ClusterOptions {
  dataDir: string;
  host: string;
  /** 0 = pick a free port */
  port: number;
  nodes: number;
  runtime: 'auto' | 'docker' | 'simulated';
}

export interface RunningCluster {
  port: number;
  host: string;
  /** stops serving and flushes the store */
  close(): Promise<void>;
}

export declare function startCluster(opts: ClusterOptions): Promise<RunningCluster>;
