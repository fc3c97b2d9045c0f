import { Module } from '@nestjs/common';
import { PooledStatements } from './pooled-statements.js';

@Module({ providers: [PooledStatements], exports: [PooledStatements] })
export class DatabaseModule {}
