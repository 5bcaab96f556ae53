#!/usr/bin/perl
# Runs a program (RT's rt-server, which forks workers) in a process group of its own on behalf of a test process, and
# ends the whole group as soon as that process is gone: dotnet test tears its test host down without running
# AppDomain.ProcessExit, and a server that waited to be killed would outlive the run. The Perl twin of parent-bound.mjs.
# Usage: perl parent-bound.pl <parent pid> [--remove <directory>] <program> [arguments...]
# --remove: the program's scratch directory (RealRt's database and configuration), deleted once the program is gone.
use strict;
use warnings;
use File::Path ();
use IO::Select;
use POSIX ();

my ($parent, @command) = @ARGV;
my $remove;
($remove, @command) = @command[1 .. $#command] if @command && $command[0] eq '--remove';
die "usage: parent-bound.pl <parent pid> [--remove <directory>] <program> [arguments...]\n" unless $parent && @command;

my $child = fork() // die "fork: $!\n";
if ($child == 0) {
    POSIX::setpgid(0, 0);
    open(STDIN, '<', '/dev/null');
    exec { $command[0] } @command or die "exec $command[0]: $!\n";
}

sub finish {
    File::Path::remove_tree($remove) if defined $remove;
    exit($_[0]);
}

sub stop {
    kill 'TERM', -$child;
    for (1 .. 50) {
        finish(0) if waitpid($child, POSIX::WNOHANG()) == $child;
        select(undef, undef, undef, 0.1);
    }
    kill 'KILL', -$child;
    waitpid($child, 0);
    finish(0);
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
        finish($? >> 8);
    }
}
