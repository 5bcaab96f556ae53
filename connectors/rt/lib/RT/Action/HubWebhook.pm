# The action of the Integration Hub's scrip (installed by connectors/rt/hub-setup.pl --hook-url): posts the change to
# the hub's POST /api/hooks/tickets/{system} as one of its documented events (docs/ticket-systems.md), signed, and
# keeps a post the hub did not take (no answer, or not 2xx other than 4xx refusals) for a retry: the next
# transaction that runs this scrip sends the kept posts first, in order, and `hub-setup.pl --retry-hooks` (cron) does
# it when RT is quiet.
#
# What is posted (the ticket id is RT's number, as the hub's RT connector returns it for a create):
#   create                       -> {"event":"created", ticket: {id, url, queue, subject, status, priority,
#                                   requestors, customFields}}; on the release queue status is its RolloutProgress
#                                   (Submitted when unset), and RolloutProgress is not a custom field there
#   status change                -> {"event":"status", ticket: {id, status}} with RT's status (new, open, stalled,
#                                   resolved, rejected, deleted: the names of the hub's default lifecycle); not on the
#                                   release queue, whose state is RolloutProgress
#   RolloutProgress change       -> on the release queue {"event":"transition", ticketId, rolloutProgress: {current,
#                                   previous}} (previous Submitted when it had none)
#   other custom-field change    -> {"event":"updated", ticket: {id, customFields: {name: value or null}}}
# Signed per Standard Webhooks (webhook-id = rt-<transaction id>, the same on every retry, so the hub applies it once;
# webhook-timestamp per attempt; webhook-signature v1,<base64 HMAC-SHA256 of id.timestamp.body>) or, with scheme
# github-signature, X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body> and X-Delivery-Id.
package RT::Action::HubWebhook;
use strict;
use warnings;
use base 'RT::Action';
use Digest::SHA ();
use JSON ();
use LWP::UserAgent ();
use MIME::Base64 ();

use constant PENDING => 'HubWebhookPending';
use constant MAX_PENDING => 1000;

sub Settings {
    my $attribute = $RT::System->FirstAttribute('HubWebhook') or return undef;
    my $content = $attribute->Content;
    return ref $content eq 'HASH' && $content->{Url} ? $content : undef;
}

sub Prepare { return 1 }

sub Commit {
    my $self = shift;
    my $settings = Settings() or return 1;
    my $event = $self->Event($settings) or return 1;
    my $id = 'rt-' . $self->TransactionObj->id;
    my $body = JSON->new->utf8->canonical->encode({ %$event, deliveryId => $id });
    my ($sent, $left) = RetryPending(undef, $settings);
    if ($left == 0 && Post($settings, $id, $body)) {
        return 1;
    }
    Keep({ Id => $id, Body => $body });
    return 1;
}

sub Event {
    my ($self, $settings) = @_;
    my $ticket = $self->TicketObj;
    my $txn = $self->TransactionObj;
    my $release = $settings->{ReleaseQueue} && lc $ticket->QueueObj->Name eq lc $settings->{ReleaseQueue};
    my $number = '' . $ticket->id;
    if ($txn->Type eq 'Create') {
        my %fields;
        my $cfs = $ticket->CustomFields;
        while (my $cf = $cfs->Next) {
            next if $release && $cf->Name eq 'RolloutProgress';
            my $value = $ticket->FirstCustomFieldValue($cf->id);
            $fields{ $cf->Name } = $value if defined $value && length $value;
        }
        my $status = $release ? ($ticket->FirstCustomFieldValue('RolloutProgress') || 'Submitted') : $ticket->Status;
        my $url = RT->Config->Get('WebURL') . 'Ticket/Display.html?id=' . $number;
        return { event => 'created', ticket => {
            id => $number, url => $url, queue => $ticket->QueueObj->Name, subject => $ticket->Subject, status => $status,
            priority => 0 + ($ticket->Priority || 0), requestors => [ $ticket->Requestor->MemberEmailAddresses ],
            (%fields ? (customFields => \%fields) : ()) } };
    }
    if (($txn->Field || '') eq 'Status') {
        return undef if $release;
        return { event => 'status', ticket => { id => $number, status => $txn->NewValue } };
    }
    if ($txn->Type eq 'CustomField') {
        my $cf = RT::CustomField->new(RT->SystemUser);
        $cf->Load($txn->Field);
        return undef unless $cf->id;
        if ($release && $cf->Name eq 'RolloutProgress') {
            my $current = $txn->NewValue;
            return undef unless defined $current && length $current;
            return { event => 'transition', ticketId => $number,
                rolloutProgress => { current => $current, previous => ($txn->OldValue || 'Submitted') } };
        }
        return { event => 'updated', ticket => { id => $number, customFields => { $cf->Name => $txn->NewValue } } };
    }
    return undef;
}

# One signed post; true when the hub took it (2xx), or refused it for good (4xx other than 401, 408, 429: a retry
# would be refused again, so it is logged and dropped).
sub Post {
    my ($settings, $id, $body) = @_;
    my $timestamp = time();
    my @headers = ('Content-Type' => 'application/json');
    if (($settings->{Scheme} || '') eq 'github-signature') {
        push @headers, 'X-Hub-Signature-256' => 'sha256=' . Digest::SHA::hmac_sha256_hex($body, $settings->{Secret}),
            'X-Delivery-Id' => $id;
    }
    else {
        (my $encoded = $settings->{Secret}) =~ s/^whsec_//;
        my $key = MIME::Base64::decode_base64($encoded);
        my $signature = MIME::Base64::encode_base64(Digest::SHA::hmac_sha256("$id.$timestamp.$body", $key), '');
        push @headers, 'webhook-id' => $id, 'webhook-timestamp' => $timestamp, 'webhook-signature' => "v1,$signature";
    }
    my $agent = LWP::UserAgent->new(timeout => $settings->{Timeout} || 10, agent => 'rt-hub-webhook');
    my $response = $agent->post($settings->{Url}, @headers, Content => $body);
    return 1 if $response->is_success;
    my $code = $response->code;
    if ($code >= 400 && $code < 500 && $code != 401 && $code != 408 && $code != 429) {
        RT->Logger->error("Integration Hub refused $id ($code): " . substr($response->decoded_content // '', 0, 500));
        return 1;
    }
    RT->Logger->warning("Integration Hub did not take $id (" . $response->status_line . "); kept for a retry");
    return 0;
}

sub Keep {
    my ($post) = @_;
    my $attribute = $RT::System->FirstAttribute(PENDING);
    my @pending = $attribute ? @{ $attribute->Content || [] } : ();
    push @pending, $post;
    if (@pending > MAX_PENDING) {
        my $dropped = shift @pending;
        RT->Logger->error("Integration Hub: more than " . MAX_PENDING . " posts pending; dropped the oldest, $dropped->{Id}");
    }
    $RT::System->SetAttribute(Name => PENDING, Description => 'Integration Hub posts to retry', Content => \@pending);
}

# Sends the kept posts in order and stops at the first the hub does not take; returns (sent, still pending).
sub RetryPending {
    my (undef, $settings) = @_;
    $settings ||= Settings() or return (0, 0);
    my $attribute = $RT::System->FirstAttribute(PENDING) or return (0, 0);
    my @pending = @{ $attribute->Content || [] };
    my $sent = 0;
    while (@pending && Post($settings, $pending[0]{Id}, $pending[0]{Body})) {
        shift @pending;
        $sent++;
    }
    $RT::System->SetAttribute(Name => PENDING, Description => 'Integration Hub posts to retry', Content => \@pending) if $sent;
    return ($sent, scalar @pending);
}

RT::Base->_ImportOverlays();

1;
