import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AdminClient, type RocketMQLogger } from '@app/rocketmq';
import { ClusterQueries } from './cluster-queries.service.js';
import { ConsoleController } from './console.controller.js';
import { CONSOLE_ADMIN, CONSOLE_NAME_SERVER } from './console.tokens.js';

export interface ConsoleModuleOptions {
  nameServer: string;
  logger?: RocketMQLogger;
}

/** The console: one admin client on the cluster, the JSON API and the page. */
@Module({})
export class ConsoleModule implements OnApplicationShutdown {
  constructor(@Inject(CONSOLE_ADMIN) private readonly admin: AdminClient) {}

  static forRoot(options: ConsoleModuleOptions): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [ConsoleController],
      providers: [
        { provide: CONSOLE_NAME_SERVER, useValue: options.nameServer },
        {
          provide: CONSOLE_ADMIN,
          useFactory: async () => {
            const admin = new AdminClient({ nameServer: options.nameServer, logger: options.logger, instanceName: `console-${process.pid}` });
            await admin.start();
            return admin;
          },
        },
        ClusterQueries,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.shutdown();
  }
}
