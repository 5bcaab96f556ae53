# The condition of the Integration Hub's scrip (installed by connectors/rt/hub-setup.pl --hook-url): a ticket created,
# its status changed, or one of its custom fields changed, by anyone but the hub's own RT user. The hub's own changes
# (a sync-back) are left out, so that they never come back to it as events.
package RT::Condition::HubWebhook;
use strict;
use warnings;
use base 'RT::Condition';

sub IsApplicable {
    my $self = shift;
    my $settings = RT::Action::HubWebhook::Settings() or return 0;
    my $txn = $self->TransactionObj;
    return 0 if $settings->{User} && $txn->Creator == $settings->{User};
    my $type = $txn->Type;
    return 1 if $type eq 'Create' || $type eq 'CustomField';
    return 1 if ($type eq 'Status' || $type eq 'Set') && ($txn->Field || '') eq 'Status';
    return 0;
}

require RT::Action::HubWebhook;

RT::Base->_ImportOverlays();

1;
