# Writes the committed cases of the hostile corpus (one folder each under files/); huge inputs, links,
# wheels and index servers are made by internal/hostile's test itself. Run: python3 testdata/hostile/generate.py
import os, json
R=os.path.join(os.path.dirname(os.path.abspath(__file__)),'files')
def w(case, name, data):
    p=os.path.join(R,case,name); os.makedirs(os.path.dirname(p),exist_ok=True)
    if isinstance(data,str): data=data.encode()
    open(p,'wb').write(data)
req="django==4.2.7\npsycopg[binary]==3.1.12  # café\n"
pyp='[project]\nname = "demo"\nversion = "1.0"\ndependencies = ["django>=4.2"]\n'
pipf='[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n[packages]\ndjango = "==4.2.7"\n'
settings="SECRET_KEY = 'x'  # café\nINSTALLED_APPS = ['django.contrib.admin']\nDATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3'}}\n"
manage="import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"
png=bytes.fromhex('89504e470d0a1a0a0000000d49484452')+bytes(range(256))*4
def proj(case, files):
    for n,d in files.items(): w(case,n,d)
# encodings
w('req-utf16le-bom','requirements.txt',req.encode('utf-16'))
w('req-utf16be-bom','requirements.txt',b'\xfe\xff'+req.encode('utf-16-be'))
w('req-utf16le-nobom','requirements.txt',req.encode('utf-16-le'))
w('req-utf8-bom','requirements.txt',b'\xef\xbb\xbf'+req.encode())
w('req-latin1','requirements.txt',req.encode('latin-1'))
w('req-nul','requirements.txt',b'django==4.2.7\x00\x00evil\n')
w('pyproject-utf16','pyproject.toml',pyp.encode('utf-16'))
w('pyproject-latin1','pyproject.toml',(pyp+'description = "café"\n').encode('latin-1'))
w('pyproject-nul','pyproject.toml',pyp.replace('demo','de\x00mo'))
w('pipfile-utf16','Pipfile',pipf.encode('utf-16'))
w('pipfile-lock-utf16','Pipfile.lock',json.dumps({"_meta":{},"default":{"django":{"version":"==4.2.7"}}}).encode('utf-16'))
proj('poetry-lock-nul',{'pyproject.toml':'[tool.poetry]\nname="demo"\nversion="1"\n[tool.poetry.dependencies]\npython="^3.11"\ndjango="^4.2"\n','poetry.lock':'[[package]]\nname = "dja\x00ngo"\nversion = "4.2.7"\n'})
proj('settings-utf16',{'manage.py':manage,'mysite/__init__.py':'','mysite/settings.py':settings.encode('utf-16'),'requirements.txt':'django==4.2.7\n'})
proj('settings-latin1',{'manage.py':manage,'mysite/__init__.py':'','mysite/settings.py':settings.encode('latin-1'),'requirements.txt':'django==4.2.7\n'})
proj('settings-nul',{'manage.py':manage,'mysite/__init__.py':'','mysite/settings.py':settings.replace("'x'","'x\x00'"),'requirements.txt':'django==4.2.7\n'})
# binary where text is expected
w('req-binary','requirements.txt',png)
w('pyproject-binary','pyproject.toml',png)
w('pipfile-binary','Pipfile',png)
w('pipfile-lock-binary','Pipfile.lock',png)
proj('uv-lock-binary',{'pyproject.toml':pyp,'uv.lock':png})
proj('poetry-lock-binary',{'pyproject.toml':'[tool.poetry]\nname="demo"\nversion="1"\n','poetry.lock':png})
proj('pdm-lock-binary',{'pyproject.toml':pyp,'pdm.lock':png})
proj('pylock-binary',{'pyproject.toml':pyp,'pylock.toml':png})
proj('settings-binary',{'manage.py':manage,'mysite/__init__.py':'','mysite/settings.py':png,'requirements.txt':'django==4.2.7\n'})
proj('manage-binary',{'manage.py':png,'requirements.txt':'django==4.2.7\n'})
w('setup-py-binary','setup.py',png)
w('setup-cfg-binary','setup.cfg',png)
# deep nesting
deep_inline=lambda n:'{a = '*n+'1'+' }'*n
w('pyproject-deep-inline','pyproject.toml','[project]\nname = "demo"\nversion = "1"\nx = '+deep_inline(4000)+'\n')
w('pyproject-deep-array','pyproject.toml','[project]\nname = "demo"\nversion = "1"\ndependencies = '+'['*20000+']'*20000+'\n')
w('pipfile-deep-inline','Pipfile','[packages]\ndjango = '+deep_inline(4000)+'\n')
proj('poetry-lock-deep',{'pyproject.toml':'[tool.poetry]\nname="demo"\nversion="1"\n','poetry.lock':'[[package]]\nname = "django"\nversion = "4.2.7"\nextras = '+deep_inline(4000)+'\n'})
proj('uv-lock-deep',{'pyproject.toml':pyp,'uv.lock':'version = 1\n[[package]]\nname = "django"\nversion = "4.2.7"\nsource = '+deep_inline(4000)+'\n'})
proj('pdm-lock-deep',{'pyproject.toml':pyp,'pdm.lock':'[[package]]\nname = "django"\nversion = "4.2.7"\nfiles = '+'['*20000+']'*20000+'\n'})
proj('pylock-deep',{'pyproject.toml':pyp,'pylock.toml':'lock-version = "1.0"\ncreated-by = "x"\n[[packages]]\nname = "django"\nx = '+deep_inline(4000)+'\n'})
w('pipfile-lock-deep-json','Pipfile.lock','{"_meta": {}, "default": '+'['*20000+']'*20000+'}')
proj('settings-deep-parens',{'manage.py':manage,'mysite/__init__.py':'','mysite/settings.py':'X = '+'('*10000+')'*10000+'\nINSTALLED_APPS = '+'['*10000+']'*10000+'\n','requirements.txt':'django==4.2.7\n'})
proj('settings-deep-dict',{'manage.py':manage,'mysite/__init__.py':'','mysite/settings.py':'DATABASES = '+"{'a': "*5000+'1'+'}'*5000+'\n','requirements.txt':'django==4.2.7\n'})
w('setup-py-deep','setup.py','from setuptools import setup\nsetup(name="demo", install_requires='+'['*10000+']'*10000+')\n')
# requirements includes
files={'requirements.txt':'-r r1.txt\n'}
for i in range(1,70): files[f'r{i}.txt']=f'-r r{i+1}.txt\n'
files['r70.txt']='django==4.2.7\n'
proj('req-include-deep',files)
proj('req-include-cycle',{'requirements.txt':'-r other.txt\ndjango==4.2.7\n','other.txt':'-r requirements.txt\n'})
w('req-include-outside','requirements.txt','-r ../../../../../../etc/passwd\n')
w('req-include-absolute','requirements.txt','-r /etc/passwd\n-c /etc/shadow\n')
# malformed
w('pyproject-unterminated','pyproject.toml','[project]\nname = "demo\nversion = """never closed\n')
w('pipfile-lock-truncated','Pipfile.lock','{"_meta": {"hash": {"sha256": "ab"}}, "default": {"django": {"version": "==4.')
proj('poetry-lock-wrong-types',{'pyproject.toml':'[tool.poetry]\nname="demo"\nversion="1"\n','poetry.lock':'package = 7\n[metadata]\ncontent-hash = []\n'})
w('pyproject-control-chars','pyproject.toml','[project]\nname = "de\\u001bmo"\nversion = "1"\ndependencies = ["django\\u0007>=4"]\n')
w('req-control-chars','requirements.txt','django==4.2.7\x1b[31m\r\n\x07bell==1\n')
w('pyproject-many-keys','pyproject.toml','[project]\nname = "demo"\nversion = "1"\n[tool.x]\n'+''.join(f'k{i} = {i}\n' for i in range(5000)))
