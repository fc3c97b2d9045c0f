import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LimitsModule } from '../platform/limits/limits.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { HostConnection } from '../host-connections/entities/host-connection.entity.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { OrganizationAccessService } from './organization-access.service.js';
import { OrganizationGuard } from './organization.guard.js';
import { TokenVerifier } from './token-verifier.js';

@Module({
  imports: [TypeOrmModule.forFeature([HostConnection]), DatabaseModule, LimitsModule],
  providers: [TokenVerifier, OrganizationAccessService, JwtAuthGuard, OrganizationGuard],
  exports: [
    TokenVerifier,
    OrganizationAccessService,
    JwtAuthGuard,
    OrganizationGuard,
    LimitsModule,
  ],
})
export class AuthModule {}
