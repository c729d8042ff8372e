#!/usr/bin/env bash
# Starts the real-server test targets on loopback: Debian's Postfix (SMTP 2525, submission 2587, SMTPS 2465;
# for the audit a hardened SMTP 2625 and an open relay 2626),
# Postfix's smtp-sink (2526) and Dovecot (IMAP 1143/1993, POP3 1110/1995, SASL for Postfix).
# Installs the packages if missing, generates a test CA and server certificate, writes the configuration,
# starts (or reloads) the daemons and waits until every port answers. Idempotent; never prompts.
# Needs root. No systemd: daemons are started directly and stopped by PID file (see stop.sh).
set -Eeuo pipefail
# set -e stops without a word: say which command failed, for the CI log.
trap 'echo "[targets] failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$SCRIPT_DIR/common.sh"

READY_TIMEOUT_SECONDS=${MAILPROBE_TARGETS_TIMEOUT:-30}
PACKAGES=(postfix dovecot-core dovecot-imapd dovecot-pop3d swaks openssl
  # swaks only recommends these, and we install without recommends: TLS and AUTH for swaks.
  libnet-ssleay-perl libio-socket-ssl-perl libauthen-sasl-perl)
POLICY_RC_D=/usr/sbin/policy-rc.d
policy_rc_d_is_ours=no
# Also on failure: a policy-rc.d left behind would silently stop every later package from starting.
trap remove_our_policy_rc_d EXIT
started_at=$EPOCHREALTIME
dovecot_config_changed=no

[[ $EUID -eq 0 ]] || { log "must run as root"; exit 1; }

install_packages() {
  local missing=() package
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing: ${missing[*]}"
  debconf-set-selections <<'DEBCONF'
postfix postfix/main_mailer_type select Internet Site
postfix postfix/mailname string mail.example.test
DEBCONF
  # Package scripts must not start daemons with their default configuration (ports 25/143 on every
  # interface); invoke-rc.d honours policy-rc.d exit code 101 = "action forbidden".
  if [[ ! -e $POLICY_RC_D ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC_D"
    chmod 755 "$POLICY_RC_D"
    policy_rc_d_is_ours=yes
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
  remove_our_policy_rc_d
}

remove_our_policy_rc_d() {
  if [[ $policy_rc_d_is_ours == yes ]]; then
    rm -f "$POLICY_RC_D"
    policy_rc_d_is_ours=no
  fi
}

# A self-signed CA and a server certificate it signs, valid for localhost and 127.0.0.1. Regenerated only
# when missing or expiring within a day, so a client may keep trusting $STATE_DIR/ca.pem across runs.
generate_certificates() {
  install -d -m 0755 "$STATE_DIR"
  local ca_key=$STATE_DIR/ca.key ca_cert=$STATE_DIR/ca.pem key=$STATE_DIR/server.key cert=$STATE_DIR/server.pem
  if [[ -s $ca_cert ]] && openssl x509 -in "$ca_cert" -noout -checkend 86400 >/dev/null &&
    [[ -s $cert ]] && openssl x509 -in "$cert" -noout -checkend 86400 >/dev/null; then
    return 0
  fi
  log "generating test CA and server certificate in $STATE_DIR"
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -sha256 -subj '/CN=mailprobe test CA' \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
      -keyout "$ca_key" -out "$ca_cert" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout "$key" -out "$STATE_DIR/server.csr" 2>/dev/null
    openssl x509 -req -in "$STATE_DIR/server.csr" -CA "$ca_cert" -CAkey "$ca_key" -CAcreateserial \
      -days 825 -sha256 -out "$cert" -extfile <(printf '%s\n' \
        'subjectAltName=DNS:localhost,IP:127.0.0.1' 'extendedKeyUsage=serverAuth' \
        'keyUsage=critical,digitalSignature,keyEncipherment' 'basicConstraints=CA:FALSE') 2>/dev/null
    rm -f "$STATE_DIR/server.csr"
  )
  chmod 0644 "$ca_cert" "$cert"
}

prepare_mailboxes() {
  getent passwd "$VMAIL_USER" >/dev/null ||
    useradd --system --user-group --home-dir "$MAIL_ROOT" --no-create-home --shell /usr/sbin/nologin "$VMAIL_USER"
  install -d -o "$VMAIL_USER" -g "$VMAIL_USER" -m 0750 "$MAIL_ROOT" "$MAIL_ROOT/$MAIL_DOMAIN"
  local entry name password map=/etc/postfix/mailprobe-vmailbox users=$STATE_DIR/dovecot-users
  : >"$map.new"
  (umask 077 && : >"$users.new")
  for entry in "${MAIL_USERS[@]}"; do
    name=${entry%%:*} password=${entry#*:}
    printf '%s@%s %s/%s/\n' "$name" "$MAIL_DOMAIN" "$MAIL_DOMAIN" "$name" >>"$map.new"
    printf '%s@%s:{PLAIN}%s::::::\n' "$name" "$MAIL_DOMAIN" "$password" >>"$users.new"
    install -d -o "$VMAIL_USER" -g "$VMAIL_USER" -m 0700 "$MAIL_ROOT/$MAIL_DOMAIN/$name" \
      "$MAIL_ROOT/$MAIL_DOMAIN/$name/cur" "$MAIL_ROOT/$MAIL_DOMAIN/$name/new" "$MAIL_ROOT/$MAIL_DOMAIN/$name/tmp"
  done
  mv "$map.new" "$map"
  mv "$users.new" "$users"
  # Dovecot's auth process reads the users file after dropping privileges.
  chgrp dovecot "$users" && chmod 0640 "$users"
  postmap "$map"
}

configure_postfix() {
  local uid gid
  uid=$(id -u "$VMAIL_USER") gid=$(id -g "$VMAIL_USER")
  # $myhostname in single quotes is Postfix's own parameter expansion, not the shell's.
  # shellcheck disable=SC2016
  local settings=(
    'compatibility_level = 3.6'
    'myhostname = mail.example.test'
    'myorigin = $myhostname'
    'mydestination = $myhostname, localhost'
    'inet_interfaces = loopback-only'
    'inet_protocols = ipv4'
    # TEST-NET-1: no client is trusted, so loopback is NOT an open relay (Debian's default trusts 127.0.0.0/8).
    'mynetworks = 192.0.2.1/32'
    'relayhost ='
    'relay_domains ='
    # Nothing leaves the machine and no DNS is asked.
    'default_transport = error:mailprobe targets deliver only to example.test'
    'relay_transport = error:mailprobe targets deliver only to example.test'
    'smtp_dns_support_level = disabled'
    'smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination'
    "virtual_mailbox_domains = $MAIL_DOMAIN"
    "virtual_mailbox_base = $MAIL_ROOT"
    'virtual_mailbox_maps = hash:/etc/postfix/mailprobe-vmailbox'
    "virtual_uid_maps = static:$uid"
    "virtual_gid_maps = static:$gid"
    "virtual_minimum_uid = $uid"
    # virtual(8) dies if message_size_limit exceeds virtual_mailbox_limit: raise both. 16 MiB, as the
    # sandbox (src/sandbox/limits.ts): a 10 MiB attachment is about 13.7 MiB once base64-encoded.
    'message_size_limit = 16777216'
    'virtual_mailbox_limit = 104857600'
    'mailbox_size_limit = 0'
    "smtpd_tls_cert_file = $STATE_DIR/server.pem"
    "smtpd_tls_key_file = $STATE_DIR/server.key"
    'smtpd_tls_security_level = may'
    'smtpd_tls_auth_only = yes'
    'smtpd_sasl_type = dovecot'
    'smtpd_sasl_path = private/auth'
    'smtpd_sasl_auth_enable = no'
    "maillog_file = $POSTFIX_LOG"
  )
  postconf -e "${settings[@]}"
  # Listeners on loopback only; chroot "n" so nothing has to be copied into the chroot.
  postconf -MX smtp/inet
  postconf -M '127.0.0.1:2525/inet=127.0.0.1:2525 inet n - n - - smtpd'
  postconf -M '127.0.0.1:2587/inet=127.0.0.1:2587 inet n - n - - smtpd -o syslog_name=postfix/submission'\
' -o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes'
  postconf -M '127.0.0.1:2465/inet=127.0.0.1:2465 inet n - n - - smtpd -o syslog_name=postfix/smtps'\
' -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes'
  # Two more smtpd listeners for `mailprobe audit` (issue 8), differing from 2525 only where named: a hardened
  # one the audit must tell apart on exactly VRFY, TLS versions and bare-LF end-of-data (SMTP smuggling),
  # and an open relay (loopback trusted) that must give the relay fail. It still delivers nothing off this
  # machine: relay_transport = error bounces whatever it accepts (and the audit's relay probes never pass
  # RCPT); smtpd_reject_unlisted_recipient = no stops smtpd refusing those recipients up front for that reason.
  postconf -M '127.0.0.1:2625/inet=127.0.0.1:2625 inet n - n - - smtpd -o syslog_name=postfix/hardened'\
' -o disable_vrfy_command=yes -o smtpd_tls_protocols=>=TLSv1.2 -o smtpd_tls_mandatory_protocols=>=TLSv1.2'\
' -o smtpd_forbid_bare_newline=yes'
  postconf -M '127.0.0.1:2626/inet=127.0.0.1:2626 inet n - n - - smtpd -o syslog_name=postfix/openrelay'\
' -o mynetworks=127.0.0.0/8 -o smtpd_relay_restrictions=permit_mynetworks,reject_unauth_destination'\
' -o smtpd_reject_unlisted_recipient=no'
  # maillog_file needs postlogd.
  postconf -M postlog/unix-dgram >/dev/null 2>&1 ||
    postconf -M 'postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd'
  [[ -f /etc/aliases.db ]] || newaliases
}

configure_dovecot() {
  local uid
  uid=$(id -u "$VMAIL_USER")
  cat >"$DOVECOT_CONF.new" <<CONF
# Written by mailprobe scripts/targets/start.sh; self-contained (does not include conf.d).
protocols = imap pop3
listen = 127.0.0.1
base_dir = /run/dovecot/
log_path = $DOVECOT_LOG
ssl = yes
ssl_cert = <$STATE_DIR/server.pem
ssl_key = <$STATE_DIR/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5
auth_default_realm = $MAIL_DOMAIN
passdb {
  driver = passwd-file
  args = scheme=PLAIN $STATE_DIR/dovecot-users
}
userdb {
  driver = static
  args = uid=$VMAIL_USER gid=$VMAIL_USER home=$MAIL_ROOT/%d/%n
}
mail_location = maildir:$MAIL_ROOT/%d/%n
first_valid_uid = $uid
pop3_uidl_format = %08Xu%08Xv
# Load runs open many sessions per user from 127.0.0.1.
mail_max_userip_connections = 1000
service imap-login {
  inet_listener imap {
    port = 1143
  }
  inet_listener imaps {
    port = 1993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 1110
  }
  inet_listener pop3s {
    port = 1995
    ssl = yes
  }
}
# No auth penalty: after failed logins from an IP, Dovecot delays every later login from it (also Postfix's
# SASL) by up to 15 s, and all test clients are 127.0.0.1, so scenario timings would depend on what ran
# before. With no anvil listener to ask, the auth process skips the penalty; the 2 s failure delay stays.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener /var/spool/postfix/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
CONF
  doveconf -c "$DOVECOT_CONF.new" -n >/dev/null
  if cmp -s "$DOVECOT_CONF.new" "$DOVECOT_CONF"; then
    rm "$DOVECOT_CONF.new"
  else
    mv "$DOVECOT_CONF.new" "$DOVECOT_CONF"
    dovecot_config_changed=yes
  fi
}

start_postfix() {
  if postfix status >/dev/null 2>&1; then
    postfix reload >/dev/null 2>&1
  else
    # What Debian's unit runs before the first start (copies files into the chroot of chrooted services).
    /usr/lib/postfix/configure-instance.sh - >/dev/null
    postfix start >/dev/null 2>&1
  fi
}

start_dovecot() {
  if pid_file_alive "$DOVECOT_PID_FILE" dovecot; then
    if [[ $dovecot_config_changed == no ]]; then
      doveadm -c "$DOVECOT_CONF" reload
      return
    fi
    # anvil outlives a reload, and a reload that changes its listeners ends the master without a word.
    stop_by_pid_file "$DOVECOT_PID_FILE" dovecot dovecot
  fi
  # A penalty socket left by an earlier configuration would make each auth process log an error.
  rm -f /run/dovecot/anvil-auth-penalty
  # Dovecot keeps the stderr it was started with: send it to its log, not to our caller's pipe.
  dovecot -c "$DOVECOT_CONF" </dev/null >/dev/null 2>>"$DOVECOT_LOG" ||
    { log "dovecot did not start"; tail -n 20 "$DOVECOT_LOG" >&2; return 1; }
}

start_smtp_sink() {
  pid_file_alive "$SINK_PID_FILE" smtp-sink && return 0
  # smtp-sink stays in the foreground; -u: it refuses to run as root; 1024: the listen backlog.
  setsid /usr/sbin/smtp-sink -u nobody 127.0.0.1:2526 1024 </dev/null >>"$SINK_LOG" 2>&1 &
  echo $! >"$SINK_PID_FILE"
}

# Prints the first line a service sends (its greeting), over TLS verified against our CA when implicit.
greeting_of() {
  local port=$1 tls=$2
  if [[ $tls == implicit ]]; then
    # With stdin at EOF s_client would wait for its timeout; a short sleep on stdin returns at once.
    sleep 0.7 | timeout 5 openssl s_client -connect "127.0.0.1:$port" -CAfile "$STATE_DIR/ca.pem" \
      -verify_return_error -verify_ip 127.0.0.1 -quiet -no_ign_eof 2>/dev/null | head -n 1 | tr -d '\r'
  else
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -n 1 <&3" 2>/dev/null | tr -d '\r'
  fi
}

wait_until_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT_SECONDS)) service name port tls greeting failed=0
  for service in "${SERVICES[@]}"; do
    read -r name port tls <<<"$service"
    # At least one try per service, even once the shared deadline has passed.
    while :; do
      greeting=$(greeting_of "$port" "$tls" || true)
      if [[ -n $greeting ]] || ((SECONDS >= deadline)); then break; fi
      sleep 0.2
    done
    if [[ -n $greeting ]]; then
      printf '%-11s 127.0.0.1:%-5s %-8s %s\n' "$name" "$port" "$tls" "$greeting"
    else
      printf '%-11s 127.0.0.1:%-5s %-8s NOT ANSWERING\n' "$name" "$port" "$tls"
      failed=1
    fi
  done
  if ((failed)); then
    local file
    for file in "$POSTFIX_LOG" "$DOVECOT_LOG" "$SINK_LOG"; do
      [[ -f $file ]] && { log "--- tail of $file"; tail -n 12 "$file" >&2; }
    done
    return 1
  fi
}

install_packages
generate_certificates
prepare_mailboxes
configure_postfix
configure_dovecot
# Dovecot first: it creates the SASL socket Postfix's submission service talks to.
start_dovecot
start_postfix
start_smtp_sink
wait_until_ready
log "ready in $(awk -v a="$started_at" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s (CA: $STATE_DIR/ca.pem)"
