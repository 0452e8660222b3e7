#!/bin/sh
# Regenerates the PKCS#12 test vectors with the openssl CLI (OpenSSL 3.x). See README.md.
# Usage: sh test/vectors/pkcs12/generate.sh   (from anywhere; writes next to this script)
set -eu
cd "$(dirname "$0")"
rm -rf work && mkdir work
PASS=localtls-test
export LC_ALL=C.UTF-8
days=3650

# --- weak keys written by other tools (issue 14.6): a 1024-bit RSA device key with its own
# self-signed certificate (legacy-printer.local). Self-contained: this block also runs alone
# (sh generate.sh weak) and then rewrites only the rsa1024*.p12 files.
weak_vectors() {
  openssl genrsa -out work/rsa1024.key 1024 2>/dev/null
  openssl req -new -x509 -key work/rsa1024.key -subj "/CN=legacy-printer.local" -days $days -sha256 \
    -addext subjectAltName=DNS:legacy-printer.local -addext extendedKeyUsage=serverAuth,clientAuth -out work/rsa1024.pem
  w() { name=$1; shift; openssl pkcs12 -export -inkey work/rsa1024.key -in work/rsa1024.pem -name "vector $name" -passout pass:$PASS "$@" -out $name.p12; }
  w rsa1024                                   # OpenSSL 3 default algorithms
  w rsa1024-legacy -legacy                    # OpenSSL 1.x / macOS / NSS algorithms
  w rsa1024-clear -keypbe NONE -certpbe NONE  # visible without the password: inspectPKCS12 flags the weak key
  openssl pkcs12 -export -nocerts -inkey work/rsa1024.key -passout pass:$PASS -out rsa1024-nocert.p12   # a key and no certificate: NO_CERTIFICATE
}
if [ "${1:-}" = weak ]; then weak_vectors; rm -rf work; echo "weak-key vectors written to $(pwd)"; exit 0; fi

# --- keys and a chain of three: root CA -> intermediate CA -> leaf (listener-name.local)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out work/root.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out work/inter.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out work/ec256.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out work/ec384.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out work/ec521.key 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out work/rsa.key 2>/dev/null
openssl genpkey -algorithm ED25519 -out work/ed25519.key
openssl genpkey -algorithm X25519 -out work/x25519.key

cat > work/ca.ext <<'EXT'
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EXT
cat > work/leaf.ext <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:listener-name.local,IP:192.168.1.20
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EXT
openssl req -new -x509 -key work/root.key -subj "/CN=PKCS12 Vector Root CA" -days $days -sha256 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out root.pem
openssl req -new -key work/inter.key -subj "/CN=PKCS12 Vector Intermediate CA" -out work/inter.csr
openssl x509 -req -in work/inter.csr -CA root.pem -CAkey work/root.key -set_serial 2 -days $days -sha256 -extfile work/ca.ext -out work/inter.pem 2>/dev/null
cat work/inter.pem root.pem > work/cas.pem
for k in ec256 ec384 ec521 rsa ed25519; do
  openssl req -new -key work/$k.key -subj "/CN=listener-name.local" -out work/$k.csr
  openssl x509 -req -in work/$k.csr -CA work/inter.pem -CAkey work/inter.key -set_serial 0x1$(printf %s $k | od -An -tx1 | tr -d ' \n' | cut -c1-8) \
    -days $days -sha256 -extfile work/leaf.ext -out work/$k.pem 2>/dev/null
done
# An X25519 certificate (key agreement only) signed by the intermediate: a key type localtls refuses.
openssl pkey -in work/x25519.key -pubout -out work/x25519.pub
openssl req -new -key work/inter.key -subj "/CN=x25519" -out work/x.csr
openssl x509 -req -in work/x.csr -CA work/inter.pem -CAkey work/inter.key -force_pubkey work/x25519.pub -set_serial 9 -days $days -out work/x25519.pem 2>/dev/null

export_p12() { # name key cert [openssl options...]
  name=$1; key=$2; cert=$3; shift 3
  openssl pkcs12 -export -inkey work/$key.key -in work/$cert.pem -certfile work/cas.pem -name "vector $name" "$@" -out $name.p12
}
P="-passout pass:$PASS"
export_p12 default ec256 ec256 $P                                   # OpenSSL 3 default: PBES2 AES-256-CBC, HMAC-SHA256
export_p12 legacy ec256 ec256 $P -legacy                            # OpenSSL 1.x default: RC2-40 certs, 3DES key, SHA-1 MAC
export_p12 aes128 ec256 ec256 $P -keypbe AES-128-CBC -certpbe AES-128-CBC
export_p12 pbes2-des3 ec256 ec256 $P -keypbe DES-EDE3-CBC -certpbe DES-EDE3-CBC
export_p12 pbe-3des ec256 ec256 $P -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1
export_p12 pbe-2des ec256 ec256 $P -keypbe PBE-SHA1-2DES -certpbe PBE-SHA1-2DES -macalg sha1
export_p12 rc2-40 ec256 ec256 $P -legacy -keypbe PBE-SHA1-RC2-40 -certpbe PBE-SHA1-RC2-40
export_p12 rc2-128 ec256 ec256 $P -legacy -keypbe PBE-SHA1-RC2-128 -certpbe PBE-SHA1-RC2-128
export_p12 none ec256 ec256 $P -keypbe NONE -certpbe NONE
export_p12 nomac ec256 ec256 $P -nomac
export_p12 nomac-none ec256 ec256 $P -nomac -keypbe NONE -certpbe NONE
export_p12 nomac-legacy ec256 ec256 $P -nomac -legacy
export_p12 mac-sha256 ec256 ec256 $P -legacy -macalg sha256
export_p12 mac-sha512 ec256 ec256 $P -macalg sha512
export_p12 mac-sha384-aes192 ec256 ec256 $P -macalg sha384 -keypbe AES-192-CBC -certpbe AES-192-CBC
export_p12 iter1 ec256 ec256 $P -iter 1
export_p12 empty-password ec256 ec256 -passout pass:
export_p12 empty-password-legacy ec256 ec256 -passout pass: -legacy
export_p12 utf8-password ec256 ec256 "-passout" "pass:pässwörd-🔑"
export_p12 rsa rsa rsa $P
export_p12 ec384 ec384 ec384 $P
export_p12 ec521 ec521 ec521 $P
export_p12 ed25519 ed25519 ed25519 $P
export_p12 ed25519-legacy ed25519 ed25519 $P -legacy
export_p12 iter1m ec256 ec256 $P -iter 1000000
# A file without a key (certificates only) and one with an X25519 key (unsupported key type).
openssl pkcs12 -export -nokeys -in work/ec256.pem -certfile work/cas.pem $P -out certs-only.p12
openssl pkcs12 -export -inkey work/x25519.key -in work/x25519.pem -certfile work/cas.pem $P -out x25519.p12
weak_vectors
# Reference PEM for comparisons in tests.
cp work/ec256.pem leaf-ec256.pem
cp work/inter.pem intermediate.pem
for k in ec256 rsa ed25519; do openssl pkey -in work/$k.key -pubout -out pub-$k.pem; done
rm -rf work
echo "vectors written to $(pwd)"
