// Generated from schemas of harness/results/schemas/ (generated-checks-source.ts names them) by npm run schema: do not edit.
// Each is TypeCompiler.Compile(schema) as source, so a measuring child checks what it reads without loading TypeBox.
// Each takes any value and narrows it itself; biome.json leaves the file as emitted.

export function isRequestLine(value: any): boolean {
  return (
    (((typeof value === 'object' && value !== null && !Array.isArray(value)) && (value['type'] === 'message') && Number.isInteger(value['authorId']) && value['authorId'] <= 4294967295 && value['authorId'] >= 0 && Number.isInteger(value['channelId']) && value['channelId'] <= 4294967295 && value['channelId'] >= 0 && Number.isInteger(value['messageId']) && value['messageId'] <= 9007199254740991 && value['messageId'] >= 0 && Array.isArray(value['mentions']) && ((array) => { for(const value of array) if(!((Number.isInteger(value) && value <= 4294967295 && value >= 0))) { return false }; return true; })(value['mentions'])) || ((typeof value === 'object' && value !== null && !Array.isArray(value)) && (value['type'] === 'ack') && Number.isInteger(value['userId']) && value['userId'] <= 4294967295 && value['userId'] >= 0 && Number.isInteger(value['channelId']) && value['channelId'] <= 4294967295 && value['channelId'] >= 0 && Number.isInteger(value['messageId']) && value['messageId'] <= 9007199254740991 && value['messageId'] >= 0) || ((typeof value === 'object' && value !== null && !Array.isArray(value)) && (value['type'] === 'open') && Number.isInteger(value['userId']) && value['userId'] <= 4294967295 && value['userId'] >= 0 && Number.isInteger(value['channelId']) && value['channelId'] <= 4294967295 && value['channelId'] >= 0) || ((typeof value === 'object' && value !== null && !Array.isArray(value)) && (value['type'] === 'reconnect') && Number.isInteger(value['userId']) && value['userId'] <= 4294967295 && value['userId'] >= 0 && Array.isArray(value['channelIds']) && ((array) => { for(const value of array) if(!((Number.isInteger(value) && value <= 4294967295 && value >= 0))) { return false }; return true; })(value['channelIds'])))
  )
}

export function isRowConfigFile(value: any): boolean {
  return (
    (typeof value === 'object' && value !== null && !Array.isArray(value)) &&
    (typeof value['contender'] === 'string') &&
    (value['label'] !== undefined ? ((typeof value['label'] === 'string')) : true) &&
    (value['runtime'] !== undefined ? ((typeof value['runtime'] === 'string')) : true) &&
    (value['variant'] !== undefined ? ((typeof value['variant'] === 'string')) : true) &&
    (value['extraNodeFlags'] !== undefined ? (Array.isArray(value['extraNodeFlags']) && ((array) => { for(const value of array) if(!(((typeof value === 'string')))) { return false }; return true; })(value['extraNodeFlags'])) : true) &&
    (value['modulePath'] !== undefined ? ((typeof value['modulePath'] === 'string')) : true) &&
    (typeof value['scenario'] === 'object' && value['scenario'] !== null && !Array.isArray(value['scenario'])) &&
    (typeof value['scenario']['name'] === 'string') &&
    (typeof value['scenario']['description'] === 'string') &&
    Number.isFinite(value['scenario']['durationSeconds']) &&
    value['scenario']['durationSeconds'] <= 86400 &&
    value['scenario']['durationSeconds'] >= 0.1 &&
    Number.isFinite(value['scenario']['rate']) &&
    value['scenario']['rate'] <= 10000000 &&
    value['scenario']['rate'] >= 1 &&
    Number.isInteger(value['scenario']['capacity']) &&
    value['scenario']['capacity'] <= 2147483647 &&
    value['scenario']['capacity'] >= 1 &&
    Number.isFinite(value['scenario']['timeScale']) &&
    value['scenario']['timeScale'] <= 10000 &&
    value['scenario']['timeScale'] >= 0.001 &&
    (((typeof value['scenario']['forcedGc'] === 'object' && value['scenario']['forcedGc'] !== null && !Array.isArray(value['scenario']['forcedGc'])) && Number.isFinite(value['scenario']['forcedGc']['intervalSeconds']) && value['scenario']['forcedGc']['intervalSeconds'] <= 86400 && value['scenario']['forcedGc']['intervalSeconds'] >= 0.001 && (((value['scenario']['forcedGc']['mode'] === 'sync')) || ((value['scenario']['forcedGc']['mode'] === 'concurrent'))) && Object.getOwnPropertyNames(value['scenario']['forcedGc']).length === 2) || ((value['scenario']['forcedGc'] === null))) &&
    Number.isFinite(value['scenario']['writeBackDelaySeconds']) &&
    value['scenario']['writeBackDelaySeconds'] <= 86400 &&
    value['scenario']['writeBackDelaySeconds'] >= 0 &&
    Number.isFinite(value['scenario']['windowSeconds']) &&
    value['scenario']['windowSeconds'] <= 86400 &&
    value['scenario']['windowSeconds'] >= 0.01 &&
    Number.isInteger(value['scenario']['seed']) &&
    value['scenario']['seed'] <= 4294967295 &&
    value['scenario']['seed'] >= 0 &&
    (typeof value['scenario']['population'] === 'object' && value['scenario']['population'] !== null && !Array.isArray(value['scenario']['population'])) &&
    Number.isInteger(value['scenario']['population']['users']) &&
    value['scenario']['population']['users'] <= 4294967296 &&
    value['scenario']['population']['users'] >= 1 &&
    Number.isInteger(value['scenario']['population']['guilds']) &&
    value['scenario']['population']['guilds'] <= 67108864 &&
    value['scenario']['population']['guilds'] >= 1 &&
    Number.isInteger(value['scenario']['population']['channelsPerGuild']) &&
    value['scenario']['population']['channelsPerGuild'] <= 64 &&
    value['scenario']['population']['channelsPerGuild'] >= 1 &&
    Number.isInteger(value['scenario']['population']['guildsPerUser']) &&
    value['scenario']['population']['guildsPerUser'] <= 64 &&
    value['scenario']['population']['guildsPerUser'] >= 1 &&
    Number.isFinite(value['scenario']['population']['userSkew']) &&
    value['scenario']['population']['userSkew'] <= 4 &&
    value['scenario']['population']['userSkew'] >= 0 &&
    Number.isFinite(value['scenario']['population']['guildSkew']) &&
    value['scenario']['population']['guildSkew'] <= 4 &&
    value['scenario']['population']['guildSkew'] >= 0 &&
    Object.getOwnPropertyNames(value['scenario']['population']).length === 6 &&
    (typeof value['scenario']['mix'] === 'object' && value['scenario']['mix'] !== null && !Array.isArray(value['scenario']['mix'])) &&
    Number.isFinite(value['scenario']['mix']['message']) &&
    value['scenario']['mix']['message'] >= 0 &&
    Number.isFinite(value['scenario']['mix']['ack']) &&
    value['scenario']['mix']['ack'] >= 0 &&
    Number.isFinite(value['scenario']['mix']['open']) &&
    value['scenario']['mix']['open'] >= 0 &&
    Number.isFinite(value['scenario']['mix']['reconnect']) &&
    value['scenario']['mix']['reconnect'] >= 0 &&
    Object.getOwnPropertyNames(value['scenario']['mix']).length === 4 &&
    Array.isArray(value['scenario']['phases']) &&
    ((array) => { for(const value of array) if(!(((typeof value === 'object' && value !== null && !Array.isArray(value)) && Number.isFinite(value['fromSecond']) && value['fromSecond'] <= 86400 && value['fromSecond'] >= 0 && Number.isFinite(value['toSecond']) && value['toSecond'] <= 86400 && value['toSecond'] >= 0 && (typeof value['mix'] === 'object' && value['mix'] !== null && !Array.isArray(value['mix'])) && Number.isFinite(value['mix']['message']) && value['mix']['message'] >= 0 && Number.isFinite(value['mix']['ack']) && value['mix']['ack'] >= 0 && Number.isFinite(value['mix']['open']) && value['mix']['open'] >= 0 && Number.isFinite(value['mix']['reconnect']) && value['mix']['reconnect'] >= 0 && Object.getOwnPropertyNames(value['mix']).length === 4 && Object.getOwnPropertyNames(value).length === 3))) { return false }; return true; })(value['scenario']['phases']) &&
    Number.isInteger(value['scenario']['maxMentionsPerMessage']) &&
    value['scenario']['maxMentionsPerMessage'] <= 100 &&
    value['scenario']['maxMentionsPerMessage'] >= 0 &&
    (value['scenario']['store'] !== undefined ? ((((value['scenario']['store'] === 'sqlite')) || ((value['scenario']['store'] === 'memory')))) : true) &&
    Object.getOwnPropertyNames(value['scenario']).every(key => ['name', 'description', 'durationSeconds', 'rate', 'capacity', 'timeScale', 'forcedGc', 'writeBackDelaySeconds', 'windowSeconds', 'seed', 'population', 'mix', 'phases', 'maxMentionsPerMessage', 'store'].includes(key)) &&
    Number.isInteger(value['repetition']) &&
    value['repetition'] >= 0 &&
    (value['requestsFile'] !== undefined ? ((typeof value['requestsFile'] === 'string')) : true) &&
    (typeof value['closedLoop'] === 'boolean') &&
    (((value['store'] === 'sqlite')) || ((value['store'] === 'memory')) || ((value['store'] === 'cassandra'))) &&
    (value['cassandra'] !== undefined ? ((typeof value['cassandra'] === 'object' && value['cassandra'] !== null && !Array.isArray(value['cassandra'])) && Array.isArray(value['cassandra']['contactPoints']) && ((array) => { for(const value of array) if(!(((typeof value === 'string')))) { return false }; return true; })(value['cassandra']['contactPoints']) && (typeof value['cassandra']['localDataCenter'] === 'string') && (typeof value['cassandra']['keyspace'] === 'string') && (typeof value['cassandra']['table'] === 'string') && (((value['cassandra']['consistency'] === 'one')) || ((value['cassandra']['consistency'] === 'quorum')))) : true) &&
    (value['storeLatency'] !== undefined ? ((typeof value['storeLatency'] === 'object' && value['storeLatency'] !== null && !Array.isArray(value['storeLatency'])) && (typeof value['storeLatency']['name'] === 'string') && value['storeLatency']['name'].length >= 1 && (typeof value['storeLatency']['description'] === 'string') && value['storeLatency']['description'].length >= 1 && (typeof value['storeLatency']['source'] === 'string') && value['storeLatency']['source'].length >= 0 && (typeof value['storeLatency']['assumptions'] === 'string') && value['storeLatency']['assumptions'].length >= 0 && (((typeof value['storeLatency']['read'] === 'object' && value['storeLatency']['read'] !== null && !Array.isArray(value['storeLatency']['read'])) && (value['storeLatency']['read']['distribution'] === 'fixed') && Number.isFinite(value['storeLatency']['read']['ms']) && value['storeLatency']['read']['ms'] <= 60000 && value['storeLatency']['read']['ms'] >= 0 && Object.getOwnPropertyNames(value['storeLatency']['read']).length === 2) || ((typeof value['storeLatency']['read'] === 'object' && value['storeLatency']['read'] !== null && !Array.isArray(value['storeLatency']['read'])) && (value['storeLatency']['read']['distribution'] === 'lognormal') && Number.isFinite(value['storeLatency']['read']['medianMs']) && value['storeLatency']['read']['medianMs'] <= 60000 && value['storeLatency']['read']['medianMs'] >= 0.001 && Number.isFinite(value['storeLatency']['read']['p99Ms']) && value['storeLatency']['read']['p99Ms'] <= 60000 && value['storeLatency']['read']['p99Ms'] >= 0.001 && Object.getOwnPropertyNames(value['storeLatency']['read']).length === 3)) && (((typeof value['storeLatency']['write'] === 'object' && value['storeLatency']['write'] !== null && !Array.isArray(value['storeLatency']['write'])) && (value['storeLatency']['write']['distribution'] === 'fixed') && Number.isFinite(value['storeLatency']['write']['ms']) && value['storeLatency']['write']['ms'] <= 60000 && value['storeLatency']['write']['ms'] >= 0 && Object.getOwnPropertyNames(value['storeLatency']['write']).length === 2) || ((typeof value['storeLatency']['write'] === 'object' && value['storeLatency']['write'] !== null && !Array.isArray(value['storeLatency']['write'])) && (value['storeLatency']['write']['distribution'] === 'lognormal') && Number.isFinite(value['storeLatency']['write']['medianMs']) && value['storeLatency']['write']['medianMs'] <= 60000 && value['storeLatency']['write']['medianMs'] >= 0.001 && Number.isFinite(value['storeLatency']['write']['p99Ms']) && value['storeLatency']['write']['p99Ms'] <= 60000 && value['storeLatency']['write']['p99Ms'] >= 0.001 && Object.getOwnPropertyNames(value['storeLatency']['write']).length === 3)) && Object.getOwnPropertyNames(value['storeLatency']).length === 6) : true) &&
    (value['dumpStatePath'] !== undefined ? ((typeof value['dumpStatePath'] === 'string')) : true) &&
    (value['injectStallMs'] !== undefined ? (Number.isFinite(value['injectStallMs']) && value['injectStallMs'] >= 0) : true) &&
    (value['benchExecutable'] !== undefined ? ((typeof value['benchExecutable'] === 'string')) : true)
  )
}

export function isMicroConfigFile(value: any): boolean {
  return (
    (typeof value === 'object' && value !== null && !Array.isArray(value)) &&
    (typeof value['contender'] === 'string') &&
    (value['modulePath'] !== undefined ? ((typeof value['modulePath'] === 'string')) : true) &&
    Number.isInteger(value['capacity']) &&
    value['capacity'] >= 1 &&
    Number.isFinite(value['timeMs']) &&
    value['timeMs'] >= 0 &&
    Number.isInteger(value['seed'])
  )
}
