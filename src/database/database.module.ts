import { Module } from '@nestjs/common';
import { DatabaseStatements } from './database-statements.js';

@Module({ providers: [DatabaseStatements], exports: [DatabaseStatements] })
export class DatabaseModule {}
