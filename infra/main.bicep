// The Integration Hub in Azure: a Linux Function App running the hub as a custom handler, its storage account
// (tables, queues, containers), Application Insights, a Key Vault for secrets, and a user-assigned managed identity
// with data-plane roles. No storage keys are handed to the app: it authenticates with the identity.
// Deploy: az deployment group create -g <rg> -f infra/main.bicep -p name=<prefix>
// then:   az functionapp deployment source config-zip -g <rg> -n <app> --src artifacts/publish/hub-functions.zip

@description('Prefix for every resource name (3-11 lower-case letters or digits).')
@minLength(3)
@maxLength(11)
param name string

param location string = resourceGroup().location

@description('IANA time zone for timer schedules and daily mails.')
param timeZone string = 'Europe/Zurich'

@description('NCRONTAB of the DailyStatus function (in timeZone): 09:00 on weekdays.')
param dailyStatusSchedule string = '0 0 9 * * 1-5'

@description('NCRONTAB of the Housekeeping function.')
param housekeepingSchedule string = '0 */5 * * * *'

@description('NCRONTAB of the OutboxSweep function.')
param outboxSweepSchedule string = '30 * * * * *'

@description('Prefix of the durable runtime storage (table, queues <name>-work and -work-poison, containers).')
param durableName string = 'hub'

var suffix = uniqueString(resourceGroup().id, name)
var storageName = take('${name}st${suffix}', 24)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false // identity only; the hub's SharedKey path is for Azurite and connection-string hosts
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: { deleteRetentionPolicy: { enabled: true, days: 14 } }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for c in ['hub-status', 'hub-locks', 'hub-spill', 'outbox', 'sw']: {
  parent: blobService
  name: c
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for q in ['hub-work', 'hub-work-poison']: {
  parent: queueService
  name: q
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource hubTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'hub'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id, DisableLocalAuth: true }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${name}-kv-${suffix}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  kind: 'elastic'
  sku: { name: 'EP1', tier: 'ElasticPremium' }
  properties: { reserved: true, maximumElasticWorkerCount: 10 }
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-hub-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: '' // custom handler: the self-contained hub executable named in host.json
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'custom' }
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identity.properties.clientId}' }
        { name: 'AZURE_FUNCTIONS_ENVIRONMENT', value: 'Production' }
        { name: 'Hub__TimeZone', value: timeZone }
        // The Functions host evaluates timer schedules (DailyStatus at 09:00 on weekdays) in this zone (Elastic Premium honours it on Linux).
        { name: 'WEBSITE_TIME_ZONE', value: timeZone }
        // function.json files name these as %Hub__...%: the Functions host resolves them from app settings only (the
        // hub's own defaults do not reach it), so every one is set here.
        { name: 'Hub__DailyStatusSchedule', value: dailyStatusSchedule }
        { name: 'Hub__HousekeepingSchedule', value: housekeepingSchedule }
        { name: 'Hub__OutboxSweepSchedule', value: outboxSweepSchedule }
        { name: 'Hub__DurableName', value: durableName }
        { name: 'Hub__Email__Sender', value: 'sendgrid' }
        { name: 'Hub__Email__SendGridApiKey', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=sendgrid-api-key)' }
        { name: 'Hub__AdminKey', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=hub-admin-key)' }
      ]
    }
  }
}

// Data-plane roles for the hub's identity (built-in role definition ids).
var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // leases and containers for timer singletons, outbox, repository areas
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(roles): {
  scope: storage
  name: guid(storage.id, identity.id, role.value)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, 'secrets-user')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, identity.id, 'metrics-publisher')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = app.name
output storageAccountName string = storage.name
output keyVaultName string = vault.name
