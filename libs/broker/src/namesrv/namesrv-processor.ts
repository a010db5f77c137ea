/**
 * Request processors of the name server, one handler per request code (`DefaultRequestProcessor.java`,
 * `ClientRequestProcessor.java`). Handlers decode the typed header, call the registry or the KV config and
 * build the response; a header that fails to decode throws, and the remoting layer answers SYSTEM_ERROR with
 * the message (one-way requests get nothing, as in Java).
 */
import {
  DeleteKVConfigRequestHeader,
  DeleteTopicFromNamesrvRequestHeader,
  GetKVConfigRequestHeader,
  GetKVConfigResponseHeader,
  GetKVListByNamespaceRequestHeader,
  GetRouteInfoRequestHeader,
  GetTopicsByClusterRequestHeader,
  PutKVConfigRequestHeader,
  RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  UnRegisterBrokerRequestHeader,
  WipeWritePermOfBrokerRequestHeader,
  WipeWritePermOfBrokerResponseHeader,
  createDataVersion,
  dataVersionFromJson,
  dataVersionToJson,
  decodeRegisterBrokerBody,
  decodeTopicRouteData,
  encodeClusterInfo,
  encodeFastjson,
  encodeTopicList,
  encodeTopicRouteData,
  parseFastjson,
  registerBrokerBodyCrc32,
  type RegisterBrokerBody,
} from '@app/rocketmq/protocol';
import type { RemotingConnection, RequestHandler } from '@app/rocketmq/remoting';
import type { KVConfigManager } from './kv-config-manager.js';
import {
  ORDER_TOPIC_CONFIG_NAMESPACE,
  NamesrvConfigError,
  applyNamesrvProperties,
  namesrvConfigToProperties,
  parseProperties,
  type NamesrvConfig,
} from './namesrv-config.js';
import {
  AddWritePermOfBrokerRequestHeader,
  AddWritePermOfBrokerResponseHeader,
  BrokerHeartbeatRequestHeader,
  GetBrokerMemberGroupRequestHeader,
  NamesrvRequestCode,
  QueryDataVersionRequestHeader,
  QueryDataVersionResponseHeader,
  RegisterTopicRequestHeader,
} from './namesrv-headers.js';
import type { NamesrvLogger } from './namesrv-logger.js';
import type { RouteInfoManager } from './route-info-manager.js';

/** Request version from which clients get standard-JSON routes (MQVersion V4_9_4). */
export const STANDARD_JSON_ROUTE_VERSION = 401;

const FAQ_URL = 'https://rocketmq.apache.org/docs/bestPractice/06FAQ';

export function topicNotExistRemark(topic: string): string {
  return `No topic route info in name server for the topic: ${topic}\nSee ${FAQ_URL} for further details.`;
}

export interface NamesrvProcessorContext {
  routes: RouteInfoManager;
  kvConfig: KVConfigManager;
  config: NamesrvConfig;
  logger: NamesrvLogger;
  /** A broker registered through this connection: unregister it when the connection closes. */
  watchBrokerConnection(connection: RemotingConnection): void;
  /** Called after UPDATE_NAMESRV_CONFIG changed settings. */
  onConfigUpdated?(keys: string[]): void;
}

const ok = (request: RemotingCommand, ext?: Record<string, string>, body?: Buffer): RemotingCommand =>
  RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, ext, body);

/** The name server's handlers by request code. */
export function namesrvHandlers(ctx: NamesrvProcessorContext): Map<number, RequestHandler> {
  const { routes, kvConfig, config } = ctx;
  const handlers = new Map<number, RequestHandler>();
  const on = (code: number, handler: RequestHandler): void => {
    handlers.set(code, handler);
  };

  // ---- KV config -------------------------------------------------------------------------------------------
  on(RequestCode.PUT_KV_CONFIG, async (request) => {
    const h = PutKVConfigRequestHeader.decode(request.extFields);
    await kvConfig.put(h.namespace, h.key, h.value);
    return ok(request);
  });
  on(RequestCode.GET_KV_CONFIG, (request) => {
    const h = GetKVConfigRequestHeader.decode(request.extFields);
    const value = kvConfig.get(h.namespace, h.key);
    if (value === undefined) {
      return RemotingCommand.response(request, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${h.namespace} Key: ${h.key}`);
    }
    return ok(request, GetKVConfigResponseHeader.encode({ value }));
  });
  on(RequestCode.DELETE_KV_CONFIG, async (request) => {
    const h = DeleteKVConfigRequestHeader.decode(request.extFields);
    await kvConfig.delete(h.namespace, h.key);
    return ok(request);
  });
  on(RequestCode.GET_KVLIST_BY_NAMESPACE, (request) => {
    const h = GetKVListByNamespaceRequestHeader.decode(request.extFields);
    const body = kvConfig.encodeNamespace(h.namespace);
    if (!body) return RemotingCommand.response(request, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${h.namespace}`);
    return ok(request, undefined, body);
  });

  // ---- broker registration and liveness --------------------------------------------------------------------
  on(RequestCode.REGISTER_BROKER, (request, connection) => {
    const h = RegisterBrokerRequestHeader.decode(request.extFields);
    const body = request.body ?? Buffer.alloc(0);
    if (h.bodyCrc32 !== undefined && h.bodyCrc32 !== 0 && registerBrokerBodyCrc32(body) !== h.bodyCrc32) {
      ctx.logger.warn(`REGISTER_BROKER from ${connection.addr}: crc32 not match`, 'NameServer');
      return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, 'crc32 not match');
    }
    let decoded: RegisterBrokerBody;
    if (body.length > 0) {
      try {
        decoded = decodeRegisterBrokerBody(body, { compressed: h.compressed === true });
      } catch (error) {
        throw new Error(`Failed to decode RegisterBrokerBody: ${(error as Error).message}`, { cause: error });
      }
    } else {
      decoded = { topicConfigSerializeWrapper: { topicConfigTable: {}, dataVersion: createDataVersion(0) }, filterServerList: [] };
    }
    const result = routes.registerBroker({
      clusterName: h.clusterName,
      brokerAddr: h.brokerAddr,
      brokerName: h.brokerName,
      brokerId: h.brokerId,
      haServerAddr: h.haServerAddr,
      zoneName: request.ext('zoneName'),
      heartbeatTimeoutMillis: h.heartbeatTimeoutMillis,
      enableActingMaster: h.enableActingMaster,
      topicConfigWrapper: decoded.topicConfigSerializeWrapper,
      filterServerList: decoded.filterServerList,
      channel: connection,
    });
    ctx.watchBrokerConnection(connection);
    if (!result) return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, 'register broker failed');
    const responseBody = config.returnOrderTopicConfigToBroker ? kvConfig.encodeNamespace(ORDER_TOPIC_CONFIG_NAMESPACE) : undefined;
    return ok(request, RegisterBrokerResponseHeader.encode(result), responseBody);
  });
  on(RequestCode.UNREGISTER_BROKER, (request) => {
    const h = UnRegisterBrokerRequestHeader.decode(request.extFields);
    routes.unregisterBroker(h);
    return ok(request);
  });
  on(RequestCode.QUERY_DATA_VERSION, (request) => {
    const h = QueryDataVersionRequestHeader.decode(request.extFields);
    const dataVersion = request.body && request.body.length > 0 ? dataVersionFromJson(parseFastjson(request.body)) : createDataVersion(0);
    const changed = routes.isBrokerTopicConfigChanged(h.clusterName, h.brokerAddr, dataVersion);
    routes.updateBrokerInfoUpdateTimestamp(h.clusterName, h.brokerAddr);
    const stored = routes.queryBrokerDataVersion(h.clusterName, h.brokerAddr);
    return ok(request, QueryDataVersionResponseHeader.encode({ changed }), stored ? encodeFastjson(dataVersionToJson(stored)) : undefined);
  });
  on(RequestCode.BROKER_HEARTBEAT, (request) => {
    const h = BrokerHeartbeatRequestHeader.decode(request.extFields);
    routes.updateBrokerInfoUpdateTimestamp(h.clusterName, h.brokerAddr);
    return ok(request);
  });
  on(NamesrvRequestCode.GET_BROKER_MEMBER_GROUP, (request) => {
    const h = GetBrokerMemberGroupRequestHeader.decode(request.extFields);
    return ok(request, undefined, encodeFastjson({ brokerMemberGroup: routes.getBrokerMemberGroup(h.clusterName, h.brokerName) }));
  });

  // ---- routes and cluster ----------------------------------------------------------------------------------
  on(RequestCode.GET_ROUTEINFO_BY_TOPIC, (request) => {
    const h = GetRouteInfoRequestHeader.decode(request.extFields);
    const route = routes.pickupTopicRouteData(h.topic);
    if (!route) return RemotingCommand.response(request, ResponseCode.TOPIC_NOT_EXIST, topicNotExistRemark(h.topic));
    if (config.orderMessageEnable) {
      const orderTopicConf = kvConfig.get(ORDER_TOPIC_CONFIG_NAMESPACE, h.topic);
      if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
    }
    const standard = request.version >= STANDARD_JSON_ROUTE_VERSION || h.acceptStandardJsonOnly === true;
    return ok(request, undefined, encodeTopicRouteData(route, { standard }));
  });
  on(RequestCode.GET_BROKER_CLUSTER_INFO, (request) => ok(request, undefined, encodeClusterInfo(routes.getAllClusterInfo())));
  on(RequestCode.WIPE_WRITE_PERM_OF_BROKER, (request) => {
    const h = WipeWritePermOfBrokerRequestHeader.decode(request.extFields);
    const wipeTopicCount = routes.wipeWritePermOfBroker(h.brokerName);
    ctx.logger.log(`wiped the write permission of broker ${h.brokerName} on ${wipeTopicCount} topic(s)`, 'NameServer');
    return ok(request, WipeWritePermOfBrokerResponseHeader.encode({ wipeTopicCount }));
  });
  on(RequestCode.ADD_WRITE_PERM_OF_BROKER, (request) => {
    const h = AddWritePermOfBrokerRequestHeader.decode(request.extFields);
    const addTopicCount = routes.addWritePermOfBroker(h.brokerName);
    ctx.logger.log(`restored the write permission of broker ${h.brokerName} on ${addTopicCount} topic(s)`, 'NameServer');
    return ok(request, AddWritePermOfBrokerResponseHeader.encode({ addTopicCount }));
  });
  on(RequestCode.DELETE_TOPIC_IN_NAMESRV, (request) => {
    const h = DeleteTopicFromNamesrvRequestHeader.decode(request.extFields);
    routes.deleteTopic(h.topic, h.clusterName);
    return ok(request);
  });
  on(RequestCode.REGISTER_TOPIC_IN_NAMESRV, (request) => {
    const h = RegisterTopicRequestHeader.decode(request.extFields);
    if (request.body && request.body.length > 0) {
      const route = decodeTopicRouteData(request.body);
      routes.registerTopic(h.topic, route.queueDatas);
    }
    return ok(request);
  });

  // ---- topic lists -----------------------------------------------------------------------------------------
  const disabled = (request: RemotingCommand): RemotingCommand => RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, 'disable');
  on(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (request) =>
    config.enableAllTopicList ? ok(request, undefined, encodeTopicList({ topicList: routes.getAllTopicList() })) : disabled(request),
  );
  on(RequestCode.GET_TOPICS_BY_CLUSTER, (request) => {
    if (!config.enableTopicList) return disabled(request);
    const h = GetTopicsByClusterRequestHeader.decode(request.extFields);
    return ok(request, undefined, encodeTopicList({ topicList: routes.getTopicsByCluster(h.cluster) }));
  });
  on(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, (request) => ok(request, undefined, encodeTopicList(routes.getSystemTopicList())));
  const unitList = (list: () => string[]): RequestHandler => (request) =>
    config.enableTopicList ? ok(request, undefined, encodeTopicList({ topicList: list() })) : disabled(request);
  on(RequestCode.GET_UNIT_TOPIC_LIST, unitList(() => routes.getUnitTopics()));
  on(RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, unitList(() => routes.getHasUnitSubTopicList()));
  on(RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, unitList(() => routes.getHasUnitSubUnUnitTopicList()));

  // ---- runtime configuration -------------------------------------------------------------------------------
  on(RequestCode.GET_NAMESRV_CONFIG, (request) => ok(request, undefined, Buffer.from(namesrvConfigToProperties(config), 'utf8')));
  on(RequestCode.UPDATE_NAMESRV_CONFIG, (request) => {
    if (!request.body || request.body.length === 0) return ok(request);
    try {
      const keys = applyNamesrvProperties(config, parseProperties(request.body.toString('utf8')));
      if (keys.length > 0) {
        ctx.logger.log(`configuration updated: ${keys.join(', ')}`, 'NameServer');
        ctx.onConfigUpdated?.(keys);
      }
      return ok(request);
    } catch (error) {
      if (!(error instanceof NamesrvConfigError)) throw error;
      const code = error.blackListed ? ResponseCode.NO_PERMISSION : ResponseCode.SYSTEM_ERROR;
      return RemotingCommand.response(request, code, error.message);
    }
  });

  return handlers;
}
