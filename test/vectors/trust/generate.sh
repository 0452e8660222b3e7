#!/usr/bin/env bash
# Regenerates the trust-evaluation vectors in this directory with the openssl CLI (3.x).
# Every certificate has fixed validity dates (openssl ca -startdate/-enddate), so the vectors stay
# valid forever: tests evaluate them at a fixed time (2030-01-01) or pass `time` explicitly.
# Private keys live in a temporary directory and are thrown away; only certificates are kept.
#
#   usage: test/vectors/trust/generate.sh        (from anywhere)
set -euo pipefail
OUT="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir newcerts && touch index.txt

START=20200101000000Z   # long-lived vectors: 2020-01-01 .. 2120-01-01
END=21200101000000Z

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
rand_serial = yes
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = yes
copy_extensions = none
[ policy_any ]
commonName = optional
[ req ]
distinguished_name = dn
[ dn ]
CNF

cat > ext.cnf <<'CNF'
[ root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ int ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ int_pathlen0 ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ int_no_certsign ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ int_server_eku_only_client ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ int_nc ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = critical,@nc
[ nc ]
permitted;DNS.1 = example.local
permitted;IP.1 = 192.168.0.0/255.255.0.0
permitted;IP.2 = fd00:0:0:0:0:0:0:0/ffff:ffff:ffff:ffff:0:0:0:0
permitted;email.1 = example.local
permitted;dirName.1 = nc_dir
excluded;DNS.1 = bad.example.local
[ nc_dir ]
O = Example
[ notca ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:listener-name.local,IP:192.168.1.20,IP:fd00::20
[ leaf_rsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:rsa.example.local
[ leaf_wild ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:*.example.local
[ leaf_client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:client.example.local
[ leaf_no_eku ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
subjectAltName = DNS:noeku.example.local
[ leaf_bad_ku ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,cRLSign
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:badku.example.local
[ leaf_no_san ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
[ leaf_critical ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:critical.example.local
1.3.6.1.4.1.55555.1 = critical,ASN1:NULL
[ nc_ok ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:a.example.local,IP:192.168.7.7,IP:fd00::7,email:ops@example.local
[ nc_bad_dns ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:a.example.local,DNS:evil.test
[ nc_excluded ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:x.bad.example.local
[ nc_bad_ip ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:a.example.local,IP:10.0.0.1
[ nc_bad_ipv6 ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:a.example.local,IP:2001:db8::1
[ nc_bad_email ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:a.example.local,email:ops@evil.test
[ nc_wild_excluded ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
subjectAltName = DNS:*.bad.example.local
CNF

# key NAME ALG  -> NAME.key
key() {
  case "$2" in
    p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
    p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
    p521) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$1.key" ;;
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
    rsa1024) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$1.key" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$1.key" ;;
  esac 2>/dev/null
}

# cert NAME KEY SUBJECT ISSUER(NAME|self) EXT [START END [extra openssl ca args...]]
cert() {
  local name=$1 k=$2 subj=$3 issuer=$4 ext=$5 start=${6:-$START} end=${7:-$END}
  shift 7 2>/dev/null || shift $#
  openssl req -new -key "$k.key" -subj "$subj" -config ca.cnf -out "$name.csr" 2>/dev/null
  if [ "$issuer" = self ]; then
    openssl ca -config ca.cnf -batch -notext -preserveDN -selfsign -keyfile "$k.key" -in "$name.csr" \
      -startdate "$start" -enddate "$end" -extfile ext.cnf -extensions "$ext" -out "$name.pem" "$@" 2>/dev/null
  else
    openssl ca -config ca.cnf -batch -notext -preserveDN -cert "$OUT/$issuer.pem" -keyfile "$issuer.key" -in "$name.csr" \
      -startdate "$start" -enddate "$end" -extfile ext.cnf -extensions "$ext" -out "$name.pem" "$@" 2>/dev/null
  fi
  openssl x509 -in "$name.pem" -out "$OUT/$name.pem"
  cp "$k.key" "$name.key" 2>/dev/null || true
}

# --- the main P-256 hierarchy ---------------------------------------------------------------
key root p256;    cert root root "/CN=Test Root CA" self root
key int p256;     cert int int "/CN=Test Intermediate CA" root int
key leaf p256;    cert leaf leaf "/CN=listener-name.local" int leaf
key wild p256;    cert leaf-wildcard wild "/CN=wildcard" int leaf_wild
key client p256;  cert leaf-client client "/CN=client" int leaf_client
key noeku p256;   cert leaf-no-eku noeku "/CN=noeku" int leaf_no_eku
key badku p256;   cert leaf-bad-ku badku "/CN=badku" int leaf_bad_ku
key nosan p256;   cert leaf-no-san nosan "/CN=listener-name.local" int leaf_no_san
key crit p256;    cert leaf-critical-ext crit "/CN=critical" int leaf_critical
key exp p256;     cert leaf-expired exp "/CN=expired" int leaf 20200101000000Z 20210101000000Z
key fut p256;     cert leaf-not-yet-valid fut "/CN=future" int leaf 21000101000000Z 21100101000000Z
key sha1 p256;    cert leaf-sha1 sha1 "/CN=sha1" int leaf "$START" "$END" -md sha1
key r1024 rsa1024; cert leaf-rsa1024 r1024 "/CN=rsa1024" int leaf_rsa
key r2048 rsa2048; cert leaf-rsa2048 r2048 "/CN=rsa2048" int leaf_rsa
key expint p256;  cert int-expired expint "/CN=Expired Intermediate CA" root int 20200101000000Z 20210101000000Z
cert leaf-under-expired-int leaf "/CN=listener-name.local" int-expired leaf

# bad signature: flip one bit in the last byte of the leaf's signature
openssl x509 -in "$OUT/leaf.pem" -outform DER -out leaf.der
python3 - "$OUT/leaf-bad-signature.pem" <<'PY'
import base64, sys
der = bytearray(open('leaf.der', 'rb').read())
der[-1] ^= 0x01
b64 = base64.b64encode(bytes(der)).decode()
open(sys.argv[1], 'w').write('-----BEGIN CERTIFICATE-----\n' + '\n'.join(b64[i:i+64] for i in range(0, len(b64), 64)) + '\n-----END CERTIFICATE-----\n')
PY

# --- CA constraints -------------------------------------------------------------------------
key notca p256;   cert notca notca "/CN=Not A CA" int notca
cert leaf-under-notca leaf "/CN=listener-name.local" notca leaf
key pl0 p256;     cert int-pathlen0 pl0 "/CN=Pathlen0 CA" root int_pathlen0
key sub p256;     cert int-sub sub "/CN=Sub CA" int-pathlen0 int
cert leaf-under-sub leaf "/CN=listener-name.local" int-sub leaf
key nocs p256;    cert int-no-certsign nocs "/CN=No CertSign CA" root int_no_certsign
cert leaf-under-no-certsign leaf "/CN=listener-name.local" int-no-certsign leaf
key cli p256;     cert int-client-eku cli "/CN=Client Only CA" root int_server_eku_only_client
cert leaf-under-client-eku-int leaf "/CN=listener-name.local" int-client-eku leaf

# --- name constraints -----------------------------------------------------------------------
key nc p256;      cert int-nc nc "/CN=Constrained CA" root int_nc
key nck p256
cert nc-ok nck "/O=Example/CN=a.example.local" int-nc nc_ok
cert nc-bad-dns nck "/O=Example/CN=a" int-nc nc_bad_dns
cert nc-excluded nck "/O=Example/CN=x" int-nc nc_excluded
cert nc-wildcard-excluded nck "/O=Example/CN=w" int-nc nc_wild_excluded
cert nc-bad-ip nck "/O=Example/CN=a" int-nc nc_bad_ip
cert nc-bad-ipv6 nck "/O=Example/CN=a" int-nc nc_bad_ipv6
cert nc-bad-email nck "/O=Example/CN=a" int-nc nc_bad_email
cert nc-bad-dirname nck "/O=Other/CN=a.example.local" int-nc nc_ok

# --- cross-signing and loops ----------------------------------------------------------------
key oldroot p256; cert old-root oldroot "/CN=Old Root CA" self root
cert root-cross-signed root "/CN=Test Root CA" old-root int          # Test Root CA's key, signed by Old Root CA
key loopa p256;   key loopb p256
cert loop-a loopa "/CN=Loop A" self root
cert loop-b loopb "/CN=Loop B" loop-a int                            # B signed by A
cert loop-a-by-b loopa "/CN=Loop A" loop-b int                       # A signed by B
cert leaf-under-loop leaf "/CN=listener-name.local" loop-a leaf
key rekey p256;   cert root-rekeyed rekey "/CN=Test Root CA" self root  # same name, different key
key other p256;   cert other-root other "/CN=Other Root CA" self root
key selfl p256;   cert self-signed-leaf selfl "/CN=listener-name.local" self leaf

# --- other algorithms -----------------------------------------------------------------------
key rsaroot rsa2048; cert rsa-root rsaroot "/CN=RSA Root CA" self root
cert rsa-pss-leaf r2048 "/CN=pss" rsa-root leaf_rsa "$START" "$END" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
key edroot ed25519; cert ed25519-root edroot "/CN=Ed25519 Root CA" self root "$START" "$END" -md default
key edleaf ed25519; cert ed25519-leaf edleaf "/CN=ed" ed25519-root leaf "$START" "$END" -md default
key p384root p384; cert p384-root p384root "/CN=P-384 Root CA" self root "$START" "$END" -md sha384
key p521leaf p521; cert p521-leaf p521leaf "/CN=p521" p384-root leaf "$START" "$END" -md sha384
cert rsa-md5-leaf r2048 "/CN=md5" rsa-root leaf_rsa "$START" "$END" -md md5

ls "$OUT"/*.pem | wc -l | xargs echo "certificates written:"
