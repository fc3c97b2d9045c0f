import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { HostConnection } from './entities/host-connection.entity.js';
import { HostConnectionsController } from './host-connections.controller.js';
import { HostConnectionsService } from './host-connections.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([HostConnection]), DatabaseModule, AuthModule],
  controllers: [HostConnectionsController],
  providers: [HostConnectionsService],
})
export class HostConnectionsModule {}
