#!/usr/bin/perl
# Runs a program (RT's rt-server, which forks workers) in a process group of its own on behalf of a test process, and
# ends the whole group as soon as that process is gone: dotnet test tears its test host down without running
# AppDomain.ProcessExit, and a server that waited to be killed would outlive the run. The Perl twin of parent-bound.mjs.
# Usage: perl parent-bound.pl <parent pid> <program> [arguments...]
use strict;
use warnings;
use IO::Select;
use POSIX ();

my ($parent, @command) = @ARGV;
die "usage: parent-bound.pl <parent pid> <program> [arguments...]\n" unless $parent && @command;

my $child = fork() // die "fork: $!\n";
if ($child == 0) {
    POSIX::setpgid(0, 0);
    open(STDIN, '<', '/dev/null');
    exec { $command[0] } @command or die "exec $command[0]: $!\n";
}

sub stop {
    kill 'TERM', -$child;
    for (1 .. 50) {
        exit 0 if waitpid($child, POSIX::WNOHANG()) == $child;
        select(undef, undef, undef, 0.1);
    }
    kill 'KILL', -$child;
    exit 0;
}
$SIG{TERM} = $SIG{INT} = $SIG{HUP} = \&stop;

# The parent holds the other end of stdin: the system closes it however the parent ends, SIGKILL included. Its pid is
# looked at too, should a descendant hold the pipe open.
my $stdin = IO::Select->new(\*STDIN);
while (1) {
    if ($stdin->can_read(1)) {
        my $read = sysread(STDIN, my $buffer, 4096);
        stop() if !$read;
    }
    stop() if !kill(0, $parent);
    if (waitpid($child, POSIX::WNOHANG()) == $child) {
        exit($? >> 8);
    }
}
