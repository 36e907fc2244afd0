export * from './mesh-addressing';
export * from './mesh-announcement';
