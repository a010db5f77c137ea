import { BadRequestException, Controller, Get, Header, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ClusterQueries } from './cluster-queries.service.js';
import { consolePage } from './console-page.js';
import type { ClusterView, GroupView, MessageView, TopicView } from './console-views.js';

@ApiTags('console')
@Controller()
export class ConsoleController {
  constructor(private readonly queries: ClusterQueries) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiOperation({ summary: 'The console page (cluster, topics, consumer groups, message lookup)' })
  page(): string {
    return consolePage();
  }

  @Get('api/cluster')
  @ApiOperation({ summary: 'Clusters and brokers with their runtime figures (mqadmin clusterList)' })
  cluster(): Promise<ClusterView> {
    return this.queries.cluster();
  }

  @Get('api/topics')
  @ApiOperation({ summary: 'Topics with stored messages and consuming groups (mqadmin topicList / topicStatus)' })
  @ApiQuery({ name: 'system', required: false, description: 'include system topics' })
  topics(@Query('system') system?: string): Promise<TopicView[]> {
    return this.queries.topics(system === 'true');
  }

  @Get('api/groups')
  @ApiOperation({ summary: 'Consumer groups with progress and lag (mqadmin consumerProgress)' })
  groups(): Promise<GroupView[]> {
    return this.queries.groups();
  }

  @Get('api/groups/:group')
  @ApiOperation({ summary: "One consumer group's progress per queue" })
  group(@Param('group') group: string): Promise<GroupView> {
    return this.queries.group(group);
  }

  @Get('api/messages')
  @ApiOperation({ summary: 'Messages of a topic by key (mqadmin queryMsgByKey)' })
  async byKey(@Query('topic') topic?: string, @Query('key') key?: string): Promise<MessageView[]> {
    if (!topic || !key) throw new BadRequestException('give both ?topic= and ?key=');
    return this.queries.messagesByKey(topic, key);
  }

  @Get('api/messages/:msgId')
  @ApiOperation({ summary: 'A message by msgId: a client id with ?topic=, or an offset id (mqadmin queryMsgById)' })
  async byId(@Param('msgId') msgId: string, @Query('topic') topic?: string): Promise<MessageView> {
    try {
      return await this.queries.messageById(msgId, topic);
    } catch (error) {
      throw new NotFoundException(`no message ${msgId}${topic ? ` in ${topic}` : ''}: ${(error as Error).message}`);
    }
  }
}
