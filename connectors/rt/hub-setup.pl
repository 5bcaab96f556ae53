#!/usr/bin/perl
# The RT admin's side of the Integration Hub's RT connector (docs/connectors.md "RT: what the RT admin sets up").
# Run on the RT server as a user that can read RT's configuration (root, or www-data on Debian); idempotent, so it
# is safe to run again after an upgrade or to change a setting. Every step says what it did on stdout.
#
#   perl connectors/rt/hub-setup.pl --queue Archive-Team --release-queue sw-rel --token-file /root/hub-rt-token
#   perl connectors/rt/hub-setup.pl --hook-url https://hub.example.org/api/hooks/tickets/rt --hook-secret-file /root/rt-hook-secret
#   perl connectors/rt/hub-setup.pl --retry-hooks          # from cron: posts the hub did not take yet
#
# Options:
#   --user NAME           the hub's own RT user (default: integration-hub); created privileged, no password
#   --email ADDRESS       its address (default: integration-hub@localhost)
#   --queue NAME          a queue the hub creates tickets in (hand-offs) or updates; repeatable; rights granted there
#   --release-queue NAME  the release queue (the hub's releases.queue, sw-rel): rights granted there too, and the
#                         RolloutProgress custom field created and applied to it
#   --create-queues       create a --queue or --release-queue that does not exist (otherwise it is an error)
#   --token-file PATH     create a new auth token for the hub's user and write it to PATH (mode 0600); RT keeps only
#                         a hash, so a token is shown once: put it in the hub's Hub__Connectors__RtToken
#   --hook-url URL        install the hub webhook scrip (RT::Action::HubWebhook, RT::Condition::HubWebhook) and post
#                         to URL, the hub's POST /api/hooks/tickets/{system}
#   --hook-secret-file P  the signing secret (Standard Webhooks: whsec_<base64>; github-signature: any text)
#   --hook-scheme S       standard-webhooks (default) or github-signature: the hub source's `auth`
#   --hook-queue NAME     a queue whose tickets are posted to the hub; repeatable; default the --release-queue. Its
#                         queue must be a hub queue of the same name (the hub refuses a `created` for one it lacks)
#   --hook-timeout SEC    how long a post may take before it is kept for a retry (default 5); RT waits for it
#   --retry-hooks         post the events that failed before (the scrip also retries them on the next transaction)
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib', '/usr/local/share/request-tracker5/lib';
use Getopt::Long;

my %o = (user => 'integration-hub', email => 'integration-hub@localhost', 'hook-scheme' => 'standard-webhooks', queue => [],
    'hook-queue' => [], 'hook-timeout' => 5);
GetOptions(\%o, 'user=s', 'email=s', 'queue=s@', 'release-queue=s', 'create-queues', 'token-file=s',
    'hook-url=s', 'hook-secret-file=s', 'hook-scheme=s', 'hook-queue=s@', 'hook-timeout=i', 'retry-hooks')
    or die "usage: see the head of $0\n";

use RT;
RT::LoadConfig();
RT::Init();

my $system = RT::CurrentUser->new(RT->SystemUser);
sub done { print "$_[0]\n" }
sub fail { die "hub-setup: $_[0]\n" }

# Rights of the hub's user on each of its queues. The hub creates tickets (with Requestor, Cc and a RefersTo link,
# which needs ModifyTicket), finds a ticket by its link back before repeating a create (ShowTicket, SeeQueue), sets
# Status and custom fields (ModifyTicket, ModifyCustomField), comments (CommentOnTicket) and reads a ticket back to
# check what RT took (ShowTicket, SeeCustomField).
my @QueueRights = qw(SeeQueue ShowTicket CreateTicket ModifyTicket CommentOnTicket SeeCustomField ModifyCustomField);

my @RolloutProgress = qw(Submitted Unverified InVerification WaitingForResponse StageRollout Deferred Production
    Rejected Ignored NotPublished Failed);

my $user = ensure_user();
my @queues = map { ensure_queue($_) } @{ $o{queue} }, grep { defined } $o{'release-queue'};
grant_queue_rights($user, $_) for @queues;
ensure_rollout_progress($user, ensure_queue($o{'release-queue'})) if $o{'release-queue'};
write_token($user, $o{'token-file'}) if $o{'token-file'};
install_hook($user) if $o{'hook-url'};
retry_hooks() if $o{'retry-hooks'};
exit 0;

sub ensure_user {
    my $u = RT::User->new($system);
    $u->Load($o{user});
    unless ($u->id) {
        my ($id, $msg) = $u->Create(Name => $o{user}, EmailAddress => $o{email}, RealName => 'Integration Hub',
            Privileged => 1, Comments => 'The Integration Hub (token auth only); its own changes are not posted back to it.');
        fail("user $o{user}: $msg") unless $id;
        done("user $o{user}: created (privileged)");
    }
    elsif (!$u->Privileged) {
        my ($ok, $msg) = $u->SetPrivileged(1);
        fail("user $o{user}: $msg") unless $ok;
        done("user $o{user}: made privileged");
    }
    else {
        done("user $o{user}: exists");
    }
    return $u;
}

sub ensure_queue {
    my ($name) = @_;
    my $q = RT::Queue->new($system);
    $q->Load($name);
    return $q if $q->id;
    fail("queue $name does not exist (create it in RT, or pass --create-queues)") unless $o{'create-queues'};
    my ($id, $msg) = $q->Create(Name => $name, Description => 'Created by hub-setup.pl');
    fail("queue $name: $msg") unless $id;
    done("queue $name: created");
    return $q;
}

sub grant_queue_rights {
    my ($u, $q) = @_;
    for my $right (@QueueRights) {
        next if $u->PrincipalObj->HasRight(Right => $right, Object => $q);
        my ($ok, $msg) = $u->PrincipalObj->GrantRight(Right => $right, Object => $q);
        fail("queue " . $q->Name . ": granting $right: $msg") unless $ok;
    }
    done("queue " . $q->Name . ": $o{user} has " . join(', ', @QueueRights));
}

sub ensure_rollout_progress {
    my ($u, $q) = @_;
    my $cf = RT::CustomField->new($system);
    $cf->LoadByName(Name => 'RolloutProgress', LookupType => RT::Ticket->CustomFieldLookupType);
    unless ($cf->id) {
        my ($id, $msg) = $cf->Create(Name => 'RolloutProgress', Type => 'Select', MaxValues => 1,
            LookupType => RT::Ticket->CustomFieldLookupType, Description => 'The release workflow state (Integration Hub)');
        fail("custom field RolloutProgress: $msg") unless $id;
        done('custom field RolloutProgress: created (select one)');
    }
    my %have = map { $_->Name => 1 } @{ $cf->Values->ItemsArrayRef };
    my $order = 0;
    for my $value (@RolloutProgress) {
        $order++;
        next if $have{$value};
        my ($ok, $msg) = $cf->AddValue(Name => $value, SortOrder => $order);
        fail("custom field RolloutProgress: value $value: $msg") unless $ok;
    }
    unless ($cf->IsAdded($q->id)) {
        my ($ok, $msg) = $cf->AddToObject($q);
        fail("custom field RolloutProgress: applying to " . $q->Name . ": $msg") unless $ok;
    }
    done('custom field RolloutProgress: applies to queue ' . $q->Name);
    for my $right (qw(SeeCustomField ModifyCustomField)) {
        next if $u->PrincipalObj->HasRight(Right => $right, Object => $cf);
        my ($ok, $msg) = $u->PrincipalObj->GrantRight(Right => $right, Object => $cf);
        fail("custom field RolloutProgress: granting $right: $msg") unless $ok;
    }
}

sub write_token {
    my ($u, $path) = @_;
    my $token = RT::AuthToken->new($system);
    my ($id, $msg, $secret) = $token->Create(Owner => $u->id, Description => 'Integration Hub (hub-setup.pl)');
    fail("auth token: $msg") unless $id;
    my $old = umask 077;
    open(my $fh, '>', $path) or fail("auth token: cannot write $path: $!");
    print $fh $secret;
    close $fh or fail("auth token: cannot write $path: $!");
    umask $old;
    done("auth token $id for $o{user}: written to $path");
}

sub install_hook {
    my ($u) = @_;
    fail('--hook-url needs --hook-secret-file') unless $o{'hook-secret-file'};
    fail("--hook-scheme must be standard-webhooks or github-signature") unless $o{'hook-scheme'} =~ /^(standard-webhooks|github-signature)$/;
    open(my $fh, '<', $o{'hook-secret-file'}) or fail("cannot read $o{'hook-secret-file'}: $!");
    my $secret = do { local $/; <$fh> };
    close $fh;
    $secret =~ s/\s+\z//;
    fail('the hook secret is empty') unless length $secret;
    eval { require RT::Action::HubWebhook; require RT::Condition::HubWebhook; 1 }
        or fail("RT::Action::HubWebhook is not installed: copy connectors/rt/lib/RT to $RT::LocalLibPath/RT and restart RT ($@)");

    my @hooked = @{ $o{'hook-queue'} } ? @{ $o{'hook-queue'} } : grep { defined } $o{'release-queue'};
    fail('--hook-url needs --hook-queue or --release-queue: the queues whose tickets are posted') unless @hooked;
    my @queues = map { ensure_queue($_) } @hooked;

    my ($ok, $msg) = $RT::System->SetAttribute(Name => 'HubWebhook', Description => 'Integration Hub webhook (hub-setup.pl)',
        Content => { Url => $o{'hook-url'}, Secret => $secret, Scheme => $o{'hook-scheme'}, User => $u->id,
            ReleaseQueue => $o{'release-queue'}, Timeout => $o{'hook-timeout'} });
    fail("hook settings: $msg") unless $ok;

    my $condition = RT::ScripCondition->new($system);
    $condition->Load('Integration Hub event');
    unless ($condition->id) {
        ($ok, $msg) = $condition->Create(Name => 'Integration Hub event', ExecModule => 'HubWebhook', ApplicableTransTypes => 'Any',
            Description => 'A create, status or custom-field change not made by the hub\'s own user');
        fail("scrip condition: $msg") unless $ok;
    }
    my $action = RT::ScripAction->new($system);
    $action->Load('Post to Integration Hub');
    unless ($action->id) {
        ($ok, $msg) = $action->Create(Name => 'Post to Integration Hub', ExecModule => 'HubWebhook',
            Description => 'Posts the change, signed, to the hub; keeps failed posts for a retry');
        fail("scrip action: $msg") unless $ok;
    }
    my $scrips = RT::Scrips->new($system);
    $scrips->Limit(FIELD => 'ScripAction', VALUE => $action->id);
    my $scrip = $scrips->First;
    unless ($scrip) {
        $scrip = RT::Scrip->new($system);
        ($ok, $msg) = $scrip->Create(Description => 'Integration Hub webhook', ScripCondition => $condition->id,
            ScripAction => $action->id, Template => 'Blank', Stage => 'TransactionCreate', Queue => $queues[0]->id);
        fail("scrip: $msg") unless $ok;
    }
    for my $q (@queues) {
        next if $scrip->IsAdded($q->id);
        ($ok, $msg) = $scrip->AddToObject(ObjectId => $q->id);
        fail("scrip: applying to " . $q->Name . ": $msg") unless $ok;
    }
    done("hook: scrip '" . $scrip->Description . "' on " . join(', ', map { $_->Name } @queues)
        . " posts to $o{'hook-url'} ($o{'hook-scheme'}), skipping changes by $o{user}");
}

sub retry_hooks {
    require RT::Action::HubWebhook;
    my ($sent, $left) = RT::Action::HubWebhook->RetryPending;
    done("hook: $sent pending posts delivered, $left still pending");
}
