import { Module } from '@nestjs/common';
import { DatabaseModule } from '../../database/database.module.js';
import { GracefulShutdown } from './graceful-shutdown.service.js';
import { ShutdownState } from './shutdown-state.js';

@Module({
  imports: [DatabaseModule],
  providers: [ShutdownState, GracefulShutdown],
  exports: [ShutdownState],
})
export class LifecycleModule {}
