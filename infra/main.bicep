// The Integration Hub in Azure: the isolated-worker Function App (functions/Hub.App, dotnet-isolated on .NET 10) on a
// Flex Consumption (FC1) plan, its storage account (the hub's tables, queues and containers, the Durable Functions
// task hub, and the deployment container the platform runs the package from), Application Insights, a Key Vault for
// secrets, and a user-assigned managed identity with the data-plane roles all of that needs. No storage key is
// issued to the app: AzureWebJobsStorage, the deployment container and Application Insights use the identity.
// Deploy: az deployment group create -g <rg> -f infra/main.bicep -p name=<prefix> adminKey="$(openssl rand -hex 32)"
// then:   scripts/publish.sh && az functionapp deployment source config-zip -g <rg> -n <app> --src artifacts/publish/hub-functions.zip

@description('Prefix for every resource name (3-11 lower-case letters or digits).')
@minLength(3)
@maxLength(11)
param name string

param location string = resourceGroup().location

@description('The hub\'s admin key (Hub__AdminKey), stored in Key Vault; at least 32 characters.')
@secure()
@minLength(32)
param adminKey string

@description('SendGrid API key, stored in Key Vault. Empty: mail goes to the blob outbox instead of SendGrid.')
@secure()
param sendGridApiKey string = ''

@description('IANA time zone of the hub\'s own dates (daily mails, working days). Timer schedules under Flex Consumption are UTC: WEBSITE_TIME_ZONE is not supported there.')
param timeZone string = 'Europe/Zurich'

@description('NCRONTAB (UTC) of the daily status run: 08:00 UTC on weekdays.')
param dailyStatusSchedule string = '0 0 8 * * 1-5'

@description('NCRONTAB (UTC) of housekeeping.')
param housekeepingSchedule string = '0 */5 * * * *'

@description('NCRONTAB (UTC) of the catalog certificate check: daily at 06:00 UTC.')
param certificateCheckSchedule string = '0 0 6 * * *'

@description('NCRONTAB (UTC) of the outbox sweep.')
param outboxRelaySchedule string = '30 * * * * *'

@description('Prefix of the hub\'s durable storage (Hub__DurableName).')
param durableName string = 'hub'

@description('Memory of each instance (MB): 512, 2048 or 4096.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the plan scales out to (40-1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Always-ready instances per group, e.g. [{ name: \'http\', instanceCount: 1 }, { name: \'durable\', instanceCount: 1 }]; empty to scale from zero.')
param alwaysReady array = []

var suffix = uniqueString(resourceGroup().id, name)
var storageName = take('${name}st${suffix}', 24)
var appName = '${name}-hub-${suffix}'
// The platform reads the deployed package from this container (one per app; the name is what the portal would choose).
var deploymentContainerName = 'app-package-${take(appName, 32)}'
var sendGridSecretName = 'sendgrid-api-key'

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
    allowSharedKeyAccess: false // identity only; connection strings are for Azurite
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: { deleteRetentionPolicy: { enabled: true, days: 14 } }
}

// The deployment container and the hub's containers (status, locks, large aggregates, the outbox, the software
// repository areas). Queues, the task hub's containers, queues and tables, and the Functions host's own
// (azure-webjobs-hosts) are created on first use by whoever owns them.
resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for c in [deploymentContainerName, 'hub-status', 'hub-locks', 'hub-spill', 'outbox', 'sw']: {
  parent: blobService
  name: c
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

// Created here, so every Key Vault reference resolves from the first start (an unresolved reference would reach the
// app as the literal reference text).
resource adminKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'hub-admin-key'
  properties: { value: adminKey }
}

resource sendGridSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(sendGridApiKey)) {
  parent: vault
  name: sendGridSecretName
  properties: { value: sendGridApiKey }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true } // Linux
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    // Flex Consumption takes the runtime here, not from FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION (which
    // it refuses as app settings).
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: alwaysReady
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Identity-based host storage: the Functions host, the queue and timer triggers, the Durable Functions task hub
        // and the hub's own storage clients (StorageConnections) all read these.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identity.properties.clientId}' }
        { name: 'AZURE_FUNCTIONS_ENVIRONMENT', value: 'Production' }
        { name: 'Hub__TimeZone', value: timeZone }
        // Trigger attributes name these as %Hub__...%: the Functions host resolves them from app settings only (the
        // hub's own defaults do not reach it), so every one is set here.
        { name: 'Hub__DailyStatusSchedule', value: dailyStatusSchedule }
        { name: 'Hub__HousekeepingSchedule', value: housekeepingSchedule }
        { name: 'Hub__CertificateCheckSchedule', value: certificateCheckSchedule }
        { name: 'Hub__OutboxRelaySchedule', value: outboxRelaySchedule }
        { name: 'Hub__DurableName', value: durableName }
        { name: 'Hub__AdminKey', value: '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/${adminKeySecret.name})' }
        // Without a SendGrid key, mail goes to the blob outbox (GET /outbox).
        { name: 'Hub__Email__Sender', value: empty(sendGridApiKey) ? 'outbox' : 'sendgrid' }
        { name: 'Hub__Email__SendGridApiKey', value: empty(sendGridApiKey) ? '' : '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/${sendGridSecretName})' }
      ]
    }
  }
  // The host reads its package and storage with the identity from its first start.
  dependsOn: [storageRoles, vaultSecretsUser, containers]
}

// Data-plane roles for the app's identity (built-in role definition ids).
var storageRoleIds = {
  // Blob: the deployment package, timer and task-hub leases, Durable large messages, the outbox, repository areas.
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Queue: queue triggers and their poison queues, the task hub's control and work-item queues.
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Table: the hub's aggregates, the task hub's History and Instances tables.
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(storageRoleIds): {
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
output functionAppUrl string = 'https://${app.properties.defaultHostName}'
output storageAccountName string = storage.name
output keyVaultName string = vault.name
